#include "catalogue/templates.h"

namespace gpucloud::catalogue
{

TemplateCatalogue::TemplateCatalogue(std::vector<TemplateInfo> templates) : _templates(std::move(templates))
{
}

const TemplateInfo* TemplateCatalogue::find(std::int64_t vmid) const
{
	for (const TemplateInfo& candidate : _templates)
	{
		if (candidate.vmid == vmid)
			return &candidate;
	}
	return nullptr;
}

} // namespace gpucloud::catalogue
