#pragma once

#include <vector>

#include "catalogue/templates.h"
#include "config/config_section.h"

namespace gpucloud::catalogue
{

/// Returns the default catalogue: vmids 100 to 104 (two Ubuntu images with NVIDIA drivers, Stable Diffusion,
/// ComfyUI and a Linux desktop).
std::vector<TemplateInfo> defaultTemplates();

/// Reads the `[templates]` section, one subsection per vmid, for example `100.name = Ubuntu 22.04`. Keys: `name`
/// (required), `description`, `access` and `min_storage_gb`. `access` is a comma-separated list of ssh, webui and
/// jupyter that must include ssh (default ssh). `min_storage_gb` is 50 or more (default 50). A section without templates gives
/// the default catalogue; a section with templates replaces it whole. Throws config::ConfigError naming the key of
/// an invalid value.
std::vector<TemplateInfo> readTemplates(config::ConfigSection& section);

} // namespace gpucloud::catalogue
