#include "billing/sql_helpers.h"

namespace gpucloud::providers::sql
{

const char* const kLiveStatuses =
	"('creating', 'starting', 'running', 'stopping', 'stopped', 'interrupted', 'offline')";

std::string placeholders(std::size_t first, std::size_t count)
{
	std::string text;
	for (std::size_t i = 0; i < count; ++i)
	{
		if (i > 0)
			text += ", ";
		text += "$" + std::to_string(first + i);
	}
	return text;
}

} // namespace gpucloud::providers::sql
