#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpucloud::catalogue
{

/// An image that `template_vmid` selects.
struct TemplateInfo
{
	std::int64_t vmid = 0;
	std::string name;
	std::string description;
	std::vector<std::string> access;  ///< "ssh", "webui", "jupyter"
	std::uint32_t minStorageGb = 50;
};

/// The template catalogue from configuration. Immutable after start-up.
class TemplateCatalogue
{
public:
	explicit TemplateCatalogue(std::vector<TemplateInfo> templates);

	/// Returns the template or nullptr.
	const TemplateInfo* find(std::int64_t vmid) const;

	const std::vector<TemplateInfo>& all() const { return _templates; }

private:
	std::vector<TemplateInfo> _templates;
};

} // namespace gpucloud::catalogue
