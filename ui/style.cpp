#include "style.h"

#include <QApplication>
#include <QFile>
#include <QRegularExpression>
#include <QStyle>
#include <QWidget>
#include <utility>

#include "palette.h"

// Q_INIT_RESOURCE must be called outside any namespace. moco_ui is a static library, so the
// linker would otherwise drop the compiled resources.qrc, whose only reference is this call.
static void initWorkbenchResources() {
  static const bool registered = [] {
    Q_INIT_RESOURCE(resources);
    return true;
  }();
  (void)registered;
}

namespace moco::style {
namespace {

constexpr const char* kStyleSheet = ":/style/workbench.qss";

// The names workbench.qss may use for palette colours.
const std::pair<const char*, QColor> kNamedColours[] = {
    {"blue", palette::blue()},
    {"orange", palette::orange()},
    {"green", palette::green()},
    {"red", palette::red()},
    {"paper", palette::paper()},
    {"well", palette::well()},
    {"ink", palette::ink()},
    {"muted", palette::muted()},
    {"rule", palette::rule()},
    {"hairline", palette::hairline()},
    {"errorTint", palette::errorTint()},
    {"errorBorder", palette::errorBorder()},
    {"errorText", palette::errorText()},
    {"warningTint", palette::warningTint()},
    {"warningBorder", palette::warningBorder()},
    {"warningText", palette::warningText()},
    {"infoTint", palette::infoTint()},
    {"infoBorder", palette::infoBorder()},
    {"infoText", palette::infoText()},
};

}  // namespace

void applyWorkbenchLook(QApplication& app) {
  initWorkbenchResources();
  QApplication::setStyle("Fusion");
  app.setStyleSheet(workbenchStyleSheet());
}

QString workbenchStyleSheet() {
  initWorkbenchResources();
  QFile file(kStyleSheet);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    qWarning("moco: cannot read the style sheet %s", kStyleSheet);
    return {};
  }
  QString sheet = QString::fromUtf8(file.readAll());
  for (const auto& [name, colour] : kNamedColours)
    sheet.replace(QRegularExpression(QStringLiteral("@%1\\b").arg(QLatin1String(name))), palette::hex(colour));
  // A name missing from the table would leave the rule silently broken: say which one.
  static const QRegularExpression leftover(QStringLiteral("@\\w+"));
  for (auto it = leftover.globalMatch(sheet); it.hasNext();)
    qWarning("moco: %s names an unknown colour %s", kStyleSheet, qPrintable(it.next().captured()));
  return sheet;
}

QIcon appIcon() {
  initWorkbenchResources();
  return QIcon(QStringLiteral(":/icons/moco-workbench.svg"));
}

QIcon icon(const QString& name) {
  initWorkbenchResources();
  return QIcon(QStringLiteral(":/icons/toolbar/%1.svg").arg(name));
}

void setStyleProperty(QWidget* widget, const char* name, const QVariant& value) {
  if (widget->property(name) == value) return;
  widget->setProperty(name, value);
  QList<QWidget*> restyled = widget->findChildren<QWidget*>();
  restyled << widget;
  for (QWidget* w : restyled) {
    w->style()->unpolish(w);
    w->style()->polish(w);
  }
}

QString liveBadge() { return QStringLiteral("<span style='color:%1'>⚡</span>").arg(palette::hex(palette::orange())); }

}  // namespace moco::style
