#include <iostream>

#include "admin_command.h"
#include "admin_database.h"
#include "billing/amount_text.h"
#include "billing/billing_accounts.h"
#include "billing/sql_billing_store.h"
#include "http/api_error.h"

namespace gpucloud::admin
{

namespace
{

constexpr std::size_t kMaxDescriptionLength = 500;

std::int64_t parseUserId(const std::string& text)
{
	std::size_t used = 0;
	long long id = 0;
	try
	{
		id = std::stoll(text, &used);
	}
	catch (const std::exception&)
	{
		used = 0;
	}
	if (text.empty() || used != text.size() || id <= 0)
		throw UsageError("--user-id must be a positive integer, not '" + text + "'");
	return id;
}

billing::CreditRequest readRequest(const std::vector<std::string>& arguments)
{
	for (std::size_t i = 0; i < arguments.size(); i += 2)
	{
		const std::string& name = arguments[i];
		if (name != "--user-id" && name != "--amount" && name != "--description" && name != "--type")
			throw UsageError("Unknown argument '" + name + "'");
	}

	billing::CreditRequest request;
	std::string userId = optionValue(arguments, "user-id");
	std::string amount = optionValue(arguments, "amount");
	request.description = optionValue(arguments, "description");
	std::string type = optionValue(arguments, "type");
	if (userId.empty() || amount.empty() || request.description.empty())
		throw UsageError("--user-id, --amount and --description are required");
	request.userId = parseUserId(userId);

	std::optional<util::Micros> micros = util::parseDollars(amount);
	if (!micros || *micros <= 0)
		throw UsageError("--amount must be a positive number of dollars with at most 6 decimals, not '" + amount + "'");
	request.amount = *micros;
	if (request.description.size() > kMaxDescriptionLength)
		throw UsageError("--description may have at most " + std::to_string(kMaxDescriptionLength) + " characters");
	request.type = type.empty() ? billing::kEntryCredit : type;
	if (request.type != billing::kEntryCredit && request.type != billing::kEntryRefund)
		throw UsageError("--type must be 'credit' or 'refund', not '" + type + "'");
	request.sourceAddress = "cli";
	return request;
}

int credit(const std::vector<std::string>& arguments, Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration)
{
	billing::CreditRequest request = readRequest(arguments);

	config::ServerSettings server;
	int applied = 0;
	std::unique_ptr<db::Database> database = openMigratedDatabase(*configuration, server, applied);
	auto store = std::make_shared<providers::SqlBillingStore>();
	billing::BillingAccounts accounts(*database, store, std::make_shared<billing::SystemClock>());
	try
	{
		billing::LedgerEntry entry = accounts.credit(request);
		std::cout << "Added a " << entry.type << " of $" << billing::exactDollars(entry.amount) << " to user "
				  << entry.userId << "; balance $" << billing::exactDollars(entry.balanceAfter) << " (ledger entry "
				  << entry.id << ")\n";
		return 0;
	}
	catch (const http::ApiError& error)
	{
		std::cerr << "gpucloud-admin credit: " << error.detail() << "\n";
		return 65;
	}
}

} // namespace

AdminCommand creditCommand()
{
	AdminCommand command;
	command.usage = "--user-id N --amount DOLLARS --description TEXT [--type credit|refund]";
	command.summary = "Add a credit (or a refund) to a user's balance, with its ledger row and an audit_log row. "
					  "DOLLARS is exact, such as 10.00 or 0.000001.";
	command.run = credit;
	return command;
}

} // namespace gpucloud::admin
