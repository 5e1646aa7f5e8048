#include "billing/billing_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include "billing/amount_text.h"
#include "billing/billing_json.h"
#include "billing/date_range.h"
#include "http/api_error.h"
#include "http/validation.h"

namespace gpucloud::billing
{

namespace
{

constexpr std::size_t kMaxDescriptionLength = 500;

std::int64_t pathUserId(const http::Request& request)
{
	Poco::Int64 id = 0;
	if (!Poco::NumberParser::tryParse64(request.pathParameter("id"), id) || id <= 0)
		throw http::ApiError::validation({"path", "id"}, "Input should be a positive integer", "int_parsing");
	return id;
}

http::Response balance(BillingAccounts& accounts, http::Request& request)
{
	Poco::JSON::Object::Ptr body = http::orderedObject();
	body->set("balance", util::toJsonDollars(accounts.balance(request.caller().userId)));
	body->set("currency", "USD");
	return http::Response::json(body);
}

http::Response transactions(BillingAccounts& accounts, http::Request& request)
{
	http::QueryFields fields(request);
	http::Pagination page = fields.pagination();
	fields.check();

	Page<LedgerEntry> entries = accounts.transactions(request.caller().userId, page.limit, page.offset);
	Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
	for (const LedgerEntry& entry : entries.rows)
		rows->add(transactionJson(entry));
	http::Response response = http::Response::json(rows);
	http::addPaginationHeaders(response, request, page, entries.total);
	return response;
}

http::Response usage(BillingAccounts& accounts, http::Request& request)
{
	http::QueryFields fields(request);
	http::Pagination page = fields.pagination();
	DayRange range = readDayRange(fields, request, accounts.now());
	fields.check();

	UsageReport report = accounts.usage(request.caller().userId, range.from, range.to, page.limit, page.offset);
	http::Response response = http::Response::json(usageReportJson(report));
	http::addPaginationHeaders(response, request, page, report.logs.total);
	return response;
}

http::Response currentSpend(BillingAccounts& accounts, http::Request& request)
{
	return http::Response::json(currentSpendJson(accounts.currentSpend(request.caller().userId), accounts.now()));
}

/// Reads `amount`: a positive JSON number or decimal string of dollars with at most six decimals.
std::optional<util::Micros> readAmount(http::JsonFields& fields, const Poco::JSON::Object::Ptr& body)
{
	if (!fields.has("amount"))
	{
		fields.fail("amount", "Field required", "missing");
		return std::nullopt;
	}
	std::optional<util::Micros> amount = parseJsonAmount(body->get("amount"));
	if (!amount)
	{
		fields.fail("amount", "Input should be a number of dollars with at most 6 decimals", "decimal_parsing");
		return std::nullopt;
	}
	if (*amount <= 0)
	{
		fields.fail("amount", "Input should be greater than 0", "greater_than");
		return std::nullopt;
	}
	return amount;
}

http::Response credit(BillingAccounts& accounts, http::Request& request)
{
	std::int64_t userId = pathUserId(request);
	Poco::JSON::Object::Ptr body = request.jsonBody();
	http::JsonFields fields(body);
	std::optional<util::Micros> amount = readAmount(fields, body);
	std::optional<std::string> description = fields.string("description", true, kMaxDescriptionLength, 1);
	std::optional<std::string> type;
	if (fields.has("type"))
	{
		type = fields.string("type", false, 16);
		if (type && *type != kEntryCredit && *type != kEntryRefund)
			fields.fail("type", "Input should be 'credit' or 'refund'", "enum");
	}
	fields.check();

	CreditRequest credit;
	credit.userId = userId;
	credit.amount = *amount;
	credit.type = type.value_or(kEntryCredit);
	credit.description = *description;
	credit.actorUserId = request.caller().userId;
	credit.sourceAddress = request.clientAddress;
	LedgerEntry entry = accounts.credit(credit);

	Poco::JSON::Object::Ptr row = transactionJson(entry);
	row->set("user_id", static_cast<Poco::Int64>(entry.userId));
	return http::Response::json(row, 201);
}

} // namespace

void registerBillingRoutes(http::Router& router, std::shared_ptr<BillingAccounts> accounts)
{
	using auth::Permission;
	auto route = [&](http::Response (*handler)(BillingAccounts&, http::Request&)) {
		return [accounts, handler](http::Request& request) { return handler(*accounts, request); };
	};
	router.add("GET", "/billing/balance", route(balance), {Permission::BillingRead});
	router.add("GET", "/billing/usage", route(usage), {Permission::BillingRead});
	router.add("GET", "/billing/transactions", route(transactions), {Permission::BillingRead});
	router.add("GET", "/billing/current-spend", route(currentSpend), {Permission::BillingRead});
	router.add("POST", "/admin/users/{id}/credits", route(credit), {Permission::Admin});
}

} // namespace gpucloud::billing
