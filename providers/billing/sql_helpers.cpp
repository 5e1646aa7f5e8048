#include "billing/sql_helpers.h"

namespace gpucloud::providers::sql
{

const char* const kLiveStatuses =
	"('creating', 'starting', 'running', 'stopping', 'stopped', 'interrupted', 'offline')";

std::string valuesList(std::size_t rows, const std::vector<std::string>& columns)
{
	std::string text;
	int parameter = 1;
	for (std::size_t row = 0; row < rows; ++row)
	{
		text += row == 0 ? "(" : ", (";
		for (std::size_t column = 0; column < columns.size(); ++column)
		{
			if (column > 0)
				text += ", ";
			for (char c : columns[column])
				text += c == '?' ? "$" + std::to_string(parameter++) : std::string(1, c);
		}
		text += ")";
	}
	return text;
}

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
