#include "message_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

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
  struct Look { const char *background, *border, *text; };
  const Look look = level == Level::Error     ? Look{"#fdecea", "#f5c2c0", "#8a1c1c"}
                    : level == Level::Warning ? Look{"#fff4e5", "#ffd8a8", "#7a4500"}
                                              : Look{"#e8f1fb", "#b6d4f2", "#1b4a7a"};
  setStyleSheet(QStringLiteral("#messageBanner { background: %1; border: 1px solid %2; border-radius: 4px; }"
                               " QLabel { background: transparent; border: none; color: %3; }")
                    .arg(look.background, look.border, look.text));
  text_->setText(QStringLiteral("<b>%1</b> %2").arg(title.toHtmlEscaped(), message.toHtmlEscaped().replace('\n', "<br>")));
  QFrame::show();
}

QString MessageBanner::text() const { return text_->text(); }

}  // namespace moco
