#include "scrolled_content.h"

#include <QBoxLayout>
#include <QGridLayout>
#include <QScrollArea>

namespace moco {

void addScrolled(QBoxLayout* column, QWidget* content) {
  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  column->addWidget(scroll, 1);
}

void clearGrid(QGridLayout* grid) {
  while (auto* item = grid->takeAt(0)) {
    delete item->widget();
    delete item;
  }
}

}  // namespace moco
