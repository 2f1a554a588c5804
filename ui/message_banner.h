// A dismissable strip at the top of the window for errors and warnings (unreadable dataset, NaN
// loss, a failed save): visible without blocking the window like a modal dialog would.
#pragma once

#include <QFrame>

class QLabel;

namespace moco {

class MessageBanner : public QFrame {
  Q_OBJECT
 public:
  enum class Level { Error, Warning, Info };
  explicit MessageBanner(QWidget* parent = nullptr);
  void show(Level level, const QString& title, const QString& message);
  QString text() const;

 private:
  QLabel* text_;
};

}  // namespace moco
