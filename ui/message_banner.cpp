#include "message_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "style.h"

namespace moco {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent), text_(new QLabel) {
  setObjectName("messageBanner");
  text_->setWordWrap(true);
  text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* close = new QToolButton;
  close->setText(QStringLiteral("✕"));
  close->setAutoRaise(true);
  close->setToolTip(tr("Dismiss"));
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(10, 6, 6, 6);
  row->addWidget(text_, 1);
  row->addWidget(close, 0, Qt::AlignTop);
  connect(close, &QToolButton::clicked, this, &QWidget::hide);
  hide();
}

void MessageBanner::show(Level level, const QString& title, const QString& message) {
  // workbench.qss colours the banner by this property.
  style::setStyleProperty(this, "level", level == Level::Error     ? "error"
                                         : level == Level::Warning ? "warning"
                                                                   : "info");
  text_->setText(QStringLiteral("<b>%1</b> %2").arg(title.toHtmlEscaped(), message.toHtmlEscaped().replace('\n', "<br>")));
  QFrame::show();
}

QString MessageBanner::text() const { return text_->text(); }

}  // namespace moco
