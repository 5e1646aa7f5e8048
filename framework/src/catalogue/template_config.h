#pragma once

#include <vector>

#include "catalogue/templates.h"
#include "config/config_section.h"

namespace gpucloud::catalogue
{

/// Returns the default catalogue: vmids 100 to 104 (two Ubuntu images with NVIDIA drivers, Stable Diffusion,
/// ComfyUI and a Linux desktop).
std::vector<TemplateInfo> defaultTemplates();

/// Reads the `[templates]` section: one subsection per vmid with `name` (required), `description`, `access` (a
/// comma-separated list of ssh, webui and jupyter that must include ssh; default ssh) and `min_storage_gb` (50 or
/// more; default 50), for example `100.name = Ubuntu 22.04 with NVIDIA drivers`. A section without templates gives
/// the default catalogue; a section with templates replaces it whole. Throws config::ConfigError naming the key of
/// an invalid value.
std::vector<TemplateInfo> readTemplates(config::ConfigSection& section);

} // namespace gpucloud::catalogue
