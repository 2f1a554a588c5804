#include "train/run_writer.h"

#include "model/export.h"

namespace moco {
namespace {

RunFolder prepared(RunFolder folder, const Trainer& trainer) {
  if (trainer.steps_done() == 0) {
    folder.create();
    folder.write_config(trainer.config());
  }
  return folder;
}

}  // namespace

RunWriter::RunWriter(RunFolder folder, const Trainer& trainer)
    : folder_(prepared(std::move(folder), trainer)), log_(folder_, trainer.steps_done()) {}

void RunWriter::save_checkpoint(Trainer& trainer) { trainer.save_checkpoint(folder_.checkpoint()); }

void RunWriter::finish(Trainer& trainer) {
  save_checkpoint(trainer);
  export_state_dict(*trainer.model().query, folder_.file(RunFolder::kEncoderFile));
}

}  // namespace moco
