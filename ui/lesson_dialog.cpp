#include "lesson_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "api/sweep.h"

namespace moco {
namespace {
constexpr int kTextWidth = 520;  // lines of about 80 characters: the lesson's texts read as paragraphs

QLabel* paragraph(const QString& text, const char* name) {
  auto* label = new QLabel(text);
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setMinimumWidth(kTextWidth);
  return label;
}
}  // namespace

QString LessonDialog::roughDuration(double seconds) {
  if (seconds < 90) return tr("about a minute");
  const int minutes = int(std::lround(seconds / 60));
  if (minutes < 90) return tr("about %1 min").arg(minutes);
  return tr("about %1 h").arg(seconds / 3600, 0, 'f', 1);
}

LessonDialog::LessonDialog(const Lesson& lesson, bool gpu, const QString& folder, QWidget* parent)
    : QDialog(parent), lesson_(lesson) {
  setObjectName("lessonDialog");
  setWindowTitle(tr("Lesson: %1").arg(QString::fromStdString(lesson.title)));
  const SweepPlan plan = lesson_plan(lesson, gpu);
  const auto arms = expand_sweep(plan);
  const int64_t settings = plan.seeds > 0 ? int64_t(arms.size()) / plan.seeds : int64_t(arms.size());
  const QString steps = plan.steps > 0 ? tr("%1 steps each").arg(plan.steps) : tr("each arm's schedule");
  const double cpuSeconds = estimated_cpu_seconds(lesson_plan(lesson, false));
  const QString time = gpu && lesson.gpu_scale > 1
                           ? tr("on the GPU, scaled ×%1 for the GPU (the CPU-sized lesson takes %2 on 2 cores)")
                                 .arg(lesson.gpu_scale)
                                 .arg(roughDuration(cpuSeconds))
                           : tr("%1 of CPU time (2 cores)").arg(roughDuration(cpuSeconds));

  auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(QString::fromStdString(lesson.title).toHtmlEscaped()));
  title->setObjectName("lessonTitle");
  title->setProperty("role", "title");
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
  form->addRow(tr("Look for:"), paragraph(QString::fromStdString(lesson.look_for), "lessonLookFor"));
  form->addRow(tr("Paper:"), paragraph(QString::fromStdString(lesson.paper), "lessonPaper"));
  form->addRow(tr("Ours:"), paragraph(QString::fromStdString(lesson.ours), "lessonOurs"));
  form->addRow(tr("Arms:"), paragraph(tr("%1 (%2 settings × %3), %4")
                                                 .arg(arms.size())
                                                 .arg(settings)
                                                 .arg(plan.seeds == 1 ? tr("1 seed") : tr("%1 seeds").arg(plan.seeds))
                                                 .arg(steps),
                                       "lessonArms"));
  form->addRow(tr("Time:"), paragraph(time, "lessonTime"));
  form->addRow(tr("Cores:"), paragraph(tr("moco-train runs the lesson in its own process, so your own training stays usable; "
                                          "both share the CPU cores, and each runs slower while the other does."),
                                       "lessonCores"));

  folder_ = new QLineEdit(QDir::toNativeSeparators(folder));
  folder_->setObjectName("lessonFolder");
  auto* choose = new QPushButton(tr("Choose…"));
  connect(choose, &QPushButton::clicked, this, [this] {
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Lesson folder"), this->folder());
    if (!chosen.isEmpty()) folder_->setText(QDir::toNativeSeparators(chosen));
  });
  auto* folderRow = new QHBoxLayout;
  folderRow->addWidget(folder_, 1);
  folderRow->addWidget(choose);
  form->addRow(tr("Folder:"), folderRow);
  folderNote_ = paragraph({}, "lessonFolderNote");
  folderNote_->setProperty("role", "status");
  form->addRow(QString(), folderNote_);
  connect(folder_, &QLineEdit::textChanged, this, &LessonDialog::updateFolderNote);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
  run_ = buttons->addButton(tr("Run"), QDialogButtonBox::AcceptRole);
  run_->setObjectName("runLesson");
  run_->setDefault(true);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* column = new QVBoxLayout(this);
  column->addWidget(title);
  column->addLayout(form);
  column->addWidget(buttons);
  updateFolderNote();
}

QString LessonDialog::folder() const { return QDir::fromNativeSeparators(folder_->text().trimmed()); }

void LessonDialog::updateFolderNote() {
  const bool resumes = QFileInfo::exists(QDir(folder()).filePath(SweepFolder::kPlanFile));
  folderNote_->setText(resumes ? tr("The folder holds a sweep already: Run resumes it (finished arms are skipped).")
                               : tr("moco-train creates the folder; Stop saves a checkpoint, and running again resumes."));
  run_->setText(resumes ? tr("Resume") : tr("Run"));
  run_->setEnabled(!folder().isEmpty());
}

}  // namespace moco
