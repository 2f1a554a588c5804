// What the image views share: their tiles sit in a frameless scroll area that takes the rest of
// the view's column, and are rebuilt by emptying their grid.
#pragma once

class QBoxLayout;
class QGridLayout;
class QWidget;

namespace moco {

// Puts `content` in a frameless, resizable scroll area at the end of `column` (stretch 1).
void addScrolled(QBoxLayout* column, QWidget* content);
// Removes and deletes every widget of `grid`.
void clearGrid(QGridLayout* grid);

}  // namespace moco
