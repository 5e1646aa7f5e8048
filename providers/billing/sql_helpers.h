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

/// Parameters per statement for batch writes on PostgreSQL, where a statement per row costs a round trip each.
/// libpq (fe-protocol3.c) takes a message over 30,000 bytes for lost synchronization unless its type is listed in
/// VALID_LONG_MESSAGE_TYPE, and the parameter description ('t', 4 bytes per parameter) is not: 7,500 parameters
/// failed with "lost synchronization with server: got message type "t", length 30006".
constexpr std::size_t kPostgresBatchParameters = 6000;

/// Returns `rows` rows of a VALUES list, "(...), (...)", with one item per column, in which `?` stands for the next
/// numbered parameter, for example {"?::text", "?::bigint"}. The parameters count from $1.
std::string valuesList(std::size_t rows, const std::vector<std::string>& columns);

} // namespace gpucloud::providers::sql
