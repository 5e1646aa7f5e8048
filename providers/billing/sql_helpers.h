#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <Poco/Data/Statement.h>

namespace gpucloud::providers::sql
{

// SQLite numbers `$n` parameters in the order in which they first appear in the text, while Poco binds values in
// the order of the use() and bind() calls. So in every statement the placeholders appear as $1, $2, ... in order.

/// Returns "$first, $first+1, ..." with `count` placeholders, for an `IN (...)` list whose values are all bound.
std::string placeholders(std::size_t first, std::size_t count);

/// Calls `work` with consecutive slices of `items` of at most `size` elements.
template <class Item, class Work>
void forEachBatch(const std::vector<Item>& items, std::size_t size, Work&& work)
{
	for (std::size_t start = 0; start < items.size(); start += size)
	{
		std::size_t end = std::min(items.size(), start + size);
		std::vector<Item> slice(items.begin() + static_cast<std::ptrdiff_t>(start),
			items.begin() + static_cast<std::ptrdiff_t>(end));
		work(slice);
	}
}

/// Binds every value of `values`, in order, to `statement`.
template <class Value>
void bindAll(Poco::Data::Statement& statement, const std::vector<Value>& values)
{
	for (const Value& value : values)
		statement, Poco::Data::Keywords::bind(value);
}

/// The statuses in which a VM exists and is charged at least for storage.
extern const char* const kLiveStatuses;

} // namespace gpucloud::providers::sql
