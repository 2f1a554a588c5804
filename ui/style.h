// The workbench's look in one place: the application style sheet (resources/style/workbench.qss,
// its @colour names filled in from palette.h), the icons of resources/resources.qrc, and the
// dynamic properties that the sheet selects on. Widgets set an objectName or a property; they
// never carry a style sheet or a colour of their own.
#pragma once

#include <QIcon>
#include <QString>
#include <QVariant>

class QApplication;
class QWidget;

namespace moco::style {

// Fusion, the application style sheet and the resources: called once by moco-workbench's main and
// by the GUI tests before they build a window, so both see the same window.
void applyWorkbenchLook(QApplication& app);

// workbench.qss with every @name replaced by its palette colour; empty if the resource is missing.
QString workbenchStyleSheet();

// The window and desktop icon (resources/icons/moco-workbench.svg).
QIcon appIcon();

// A toolbar or button icon from resources/icons/toolbar/<name>.svg ("start", "pause", "step", "stop",
// "reset", "evaluate", "open", "save"); Qt draws the disabled state from it.
QIcon icon(const QString& name);

// Sets a property the style sheet selects on (e.g. "level" = "error") and restyles the widget and
// its children: Qt evaluates property selectors only when a widget is polished.
void setStyleProperty(QWidget* widget, const char* name, const QVariant& value);

// The ⚡ that marks a field a running session takes live, as rich text in the palette's orange.
QString liveBadge();

}  // namespace moco::style
