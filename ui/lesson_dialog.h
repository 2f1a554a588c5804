// What a lesson is before it runs (Lessons menu): its title, what to look for, the paper's result
// and ours, how many arms and roughly how long on this machine, and where it will write. Run
// accepts the dialog; the caller starts moco-train (SweepActions::runLesson).
#pragma once

#include <QDialog>

#include "api/lessons.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace moco {

class LessonDialog : public QDialog {
  Q_OBJECT
 public:
  // `gpu`: whether moco-train will find a CUDA GPU (the lesson's steps are then scaled up).
  LessonDialog(const Lesson& lesson, bool gpu, const QString& folder, QWidget* parent = nullptr);

  const Lesson& lesson() const { return lesson_; }
  QString folder() const;
  QPushButton* runButton() const { return run_; }

  // "about 12 min" from seconds: an estimate, so never more precise than a minute.
  static QString roughDuration(double seconds);

 private:
  void updateFolderNote();

  Lesson lesson_;
  QLineEdit* folder_;
  QLabel* folderNote_;
  QPushButton* run_;
};

}  // namespace moco
