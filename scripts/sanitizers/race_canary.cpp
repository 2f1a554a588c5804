// A race sanitize.sh must report: proof that its ThreadSanitizer options (which leave the
// uninstrumented libraries out) still see a race in our code across a hand-off of ui/background.h.
#include <QCoreApplication>
#include <cstdio>

#include "background.h"

int shared = 0;

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  moco::startInPool([] { shared = 1; });  // written on a pool thread...
  for (volatile int i = 0; i < 1000000; ++i) {
  }
  shared = 2;  // ...and here, with nothing ordering the two
  moco::backgroundPool()->waitForDone();
  std::printf("%d\n", shared);
}
