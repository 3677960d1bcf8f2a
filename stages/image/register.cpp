#include "stages/image/register.h"

namespace ocrflow::image {

// Each stage file exposes `StageInfo <Name>StageInfo()`; they are added here
// as they land, in pipeline order.
void RegisterImageStages(StageRegistry& registry) {}

std::vector<std::string> DefaultImageStages() { return {}; }

}  // namespace ocrflow::image
