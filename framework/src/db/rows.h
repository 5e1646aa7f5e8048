#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include "db/sqlite_statement.h"

namespace gpucloud::db
{

/// The columns of one row of a RecordSet, read the way SqliteStatement reads them, so that one function can build a
/// record from a row of either.
class RecordSetRow
{
public:
	RecordSetRow(Poco::Data::RecordSet& rows, std::size_t row) : _rows(rows), _row(row) {}

	std::int64_t int64(int column) const { return at(column).convert<Poco::Int64>(); }
	std::string text(int column) const { return at(column).convert<std::string>(); }

	std::optional<std::int64_t> optionalInt64(int column) const
	{
		const Poco::Dynamic::Var& value = at(column);
		if (value.isEmpty())
			return std::nullopt;
		return value.convert<Poco::Int64>();
	}

	std::optional<std::string> optionalText(int column) const
	{
		const Poco::Dynamic::Var& value = at(column);
		if (value.isEmpty())
			return std::nullopt;
		return value.convert<std::string>();
	}

private:
	Poco::Dynamic::Var at(int column) const { return _rows.value(static_cast<std::size_t>(column), _row); }

	Poco::Data::RecordSet& _rows;
	std::size_t _row;
};

// Parameters for either kind of statement, in textual order. Poco binds by reference, so a value must outlive the
// execution.
inline void addParameter(SqliteStatement& statement, std::string& value)
{
	statement.bind(value);
}

inline void addParameter(SqliteStatement& statement, Poco::Int64& value)
{
	statement.bind(value);
}

inline void addParameter(Poco::Data::Statement& statement, std::string& value)
{
	statement, Poco::Data::Keywords::use(value);
}

inline void addParameter(Poco::Data::Statement& statement, Poco::Int64& value)
{
	statement, Poco::Data::Keywords::use(value);
}

/// Runs a query with the parameters that `bind` adds and returns `read(row)` for each row. `bind` and `read` take
/// either statement kind: on SQLite the statement comes from the connection's statement cache (SqliteStatement),
/// elsewhere Poco Data prepares it and the rows come as RecordSetRow.
template <class Record, class Bind, class Read>
std::vector<Record> selectRows(Poco::Data::Session& session, const std::string& sql, Bind&& bind, Read&& read)
{
	std::vector<Record> records;
	if (std::optional<SqliteStatement> statement = SqliteStatement::borrow(session, sql))
	{
		bind(*statement);
		while (statement->next())
			records.push_back(read(*statement));
		return records;
	}
	Poco::Data::Statement statement(session);
	statement << sql;
	bind(statement);
	statement.execute();
	Poco::Data::RecordSet rows(statement);
	records.reserve(rows.rowCount());
	for (std::size_t row = 0; row < rows.rowCount(); ++row)
		records.push_back(read(RecordSetRow(rows, row)));
	return records;
}

} // namespace gpucloud::db
