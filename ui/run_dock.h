// The run list: every run of this session and every run folder opened, with preset, steps and
// final loss. Ticked runs are overlaid in the plots, one colour per run ("MoCo v1 vs v2").
#pragma once

#include <QDockWidget>
#include <QList>

class QAction;
class QTreeWidget;
class QTreeWidgetItem;

namespace moco {

struct Run;
class RunList;

class RunDock : public QDockWidget {
  Q_OBJECT
 public:
  // `actions` (open, save …) appear as buttons under the list.
  RunDock(RunList* runs, const QList<QAction*>& actions, QWidget* parent = nullptr);
  // The run whose row is current; null when none.
  Run* currentRun() const;
  void setCurrentRun(const Run* run);
  QTreeWidget* tree() const { return tree_; }

 signals:
  void currentRunChanged();

 private:
  QTreeWidgetItem* itemOf(int id) const;
  void addRow(Run* run);
  void updateRow(Run* run);
  void showMenu(const QPoint& pos);

  RunList* runs_;
  QTreeWidget* tree_;
  bool updating_ = false;
};

}  // namespace moco
