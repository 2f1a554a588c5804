#include "run_dock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

#include "run.h"

namespace moco {
namespace {
enum Column { kName, kPreset, kSteps, kLoss, kStatus, kColumns };

QIcon swatch(const QColor& colour) {
  QPixmap pixmap(12, 12);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setBrush(colour);
  painter.setPen(Qt::NoPen);
  painter.drawRoundedRect(QRectF(1, 1, 10, 10), 2, 2);
  return QIcon(pixmap);
}
}  // namespace

RunDock::RunDock(RunList* runs, const QList<QAction*>& actions, QWidget* parent)
    : QDockWidget(tr("Runs"), parent), runs_(runs), tree_(new QTreeWidget) {
  setObjectName("runDock");
  setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  tree_->setObjectName("runTree");
  tree_->setColumnCount(kColumns);
  tree_->setHeaderLabels({tr("Run"), tr("Preset"), tr("Steps"), tr("Final loss"), tr("Status")});
  tree_->headerItem()->setToolTip(kName, tr("Tick runs to overlay their curves in the plots."));
  tree_->setRootIsDecorated(false);
  tree_->setUniformRowHeights(true);
  tree_->setAlternatingRowColors(true);
  tree_->setTextElideMode(Qt::ElideLeft);  // a sweep's arms share their start and differ in the end: "…momentum=0.99,seed=1"
  tree_->setContextMenuPolicy(Qt::CustomContextMenu);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(kName, QHeaderView::Stretch);
  for (int c = kPreset; c < kColumns; ++c) tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);

  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  for (auto* action : actions) {
    auto* button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    buttons->addWidget(button);
  }
  buttons->addStretch();
  auto* content = new QWidget;
  auto* column = new QVBoxLayout(content);
  column->setContentsMargins(6, 6, 6, 6);
  column->addWidget(tree_, 1);
  column->addLayout(buttons);
  setWidget(content);

  connect(runs_, &RunList::runAdded, this, &RunDock::addRow);
  connect(runs_, &RunList::runChanged, this, &RunDock::updateRow);
  connect(runs_, &RunList::runRemoved, this, [this](int id) { delete itemOf(id); });
  connect(tree_, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int column) {
    if (updating_ || column != kName) return;
    if (Run* run = runs_->find(item->data(kName, Qt::UserRole).toInt())) runs_->setShown(run, item->checkState(kName) == Qt::Checked);
  });
  connect(tree_, &QTreeWidget::currentItemChanged, this, &RunDock::currentRunChanged);
  connect(tree_, &QTreeWidget::customContextMenuRequested, this, &RunDock::showMenu);
  connect(runs_, &RunList::shownChanged, this, [this] {
    for (const auto& run : runs_->runs()) updateRow(run.get());
  });
}

Run* RunDock::currentRun() const {
  auto* item = tree_->currentItem();
  return item ? runs_->find(item->data(kName, Qt::UserRole).toInt()) : nullptr;
}

void RunDock::setCurrentRun(const Run* run) {
  if (auto* item = run ? itemOf(run->id) : nullptr) tree_->setCurrentItem(item);
}

QTreeWidgetItem* RunDock::itemOf(int id) const {
  for (int i = 0; i < tree_->topLevelItemCount(); ++i)
    if (tree_->topLevelItem(i)->data(kName, Qt::UserRole).toInt() == id) return tree_->topLevelItem(i);
  return nullptr;
}

void RunDock::addRow(Run* run) {
  updating_ = true;
  auto* item = new QTreeWidgetItem(tree_);
  item->setData(kName, Qt::UserRole, run->id);
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setIcon(kName, swatch(run->colour));
  updating_ = false;
  updateRow(run);
  tree_->setCurrentItem(item);
}

void RunDock::updateRow(Run* run) {
  auto* item = itemOf(run->id);
  if (!item) return;
  updating_ = true;
  item->setCheckState(kName, run->shown ? Qt::Checked : Qt::Unchecked);
  item->setText(kName, run->name);
  item->setToolTip(kName, run->folder.isEmpty() ? tr("not saved") : run->folder);
  item->setText(kPreset, QString::fromStdString(run->config.preset));
  item->setText(kSteps, QString::number(run->lastStep()));
  const double loss = run->finalLoss();
  item->setText(kLoss, std::isnan(loss) ? QStringLiteral("–") : QString::number(loss, 'f', 3));
  item->setText(kStatus, run->status);
  for (int c = kSteps; c <= kLoss; ++c) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
  updating_ = false;
}

void RunDock::showMenu(const QPoint& pos) {
  auto* item = tree_->itemAt(pos);
  Run* run = item ? runs_->find(item->data(kName, Qt::UserRole).toInt()) : nullptr;
  if (!run) return;
  QMenu menu(this);
  auto* only = menu.addAction(tr("Show only this run"));
  auto* rename = menu.addAction(tr("Rename…"));
  auto* remove = menu.addAction(tr("Remove from list"));
  remove->setEnabled(run->status != "running" && run->status != "loading" && run->status != "paused");
  QAction* chosen = menu.exec(tree_->viewport()->mapToGlobal(pos));
  if (chosen == only) {
    for (const auto& r : runs_->runs()) runs_->setShown(r.get(), r.get() == run);
  } else if (chosen == rename) {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename run"), tr("Name:"), QLineEdit::Normal, run->name, &ok);
    if (ok && !name.trimmed().isEmpty()) runs_->setName(run, name.trimmed());
  } else if (chosen == remove) {
    runs_->remove(run);
  }
}

}  // namespace moco
