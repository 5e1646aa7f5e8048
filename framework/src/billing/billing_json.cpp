#include "billing/billing_json.h"

#include <cmath>

#include <Poco/JSON/Parser.h>

#include "billing/charge_calculator.h"
#include "http/validation.h"

namespace gpucloud::billing
{

namespace
{

/// Returns hours with four decimals, enough to show a one-second charge.
double hours(std::int64_t seconds)
{
	return std::round(static_cast<double>(seconds) / 3600.0 * 10000.0) / 10000.0;
}

Poco::Dynamic::Var parseBreakdown(const std::string& text)
{
	try
	{
		return Poco::JSON::Parser().parse(text.empty() ? "{}" : text);
	}
	catch (const Poco::Exception&)
	{
		// Rows are written by this code as JSON objects; a row edited by hand shows its text instead.
		return text;
	}
}

Poco::JSON::Object::Ptr usageRowJson(const UsageRecord& record)
{
	Poco::JSON::Object::Ptr row = http::orderedObject();
	row->set("id", record.id);
	row->set("vm_id", record.vmId);
	row->set("timestamp", db::isoTime(record.periodStart));
	row->set("gpu_seconds", static_cast<Poco::Int64>(record.gpuSeconds));
	row->set("storage_gb", record.storageGb);
	row->set("network_bytes", static_cast<Poco::Int64>(record.networkBytes));
	row->set("gpu_cost", util::toJsonDollars(record.gpuCost));
	row->set("storage_cost", util::toJsonDollars(record.storageCost));
	row->set("network_cost", util::toJsonDollars(record.networkCost));
	row->set("total_cost", util::toJsonDollars(record.totalCost));
	return row;
}

} // namespace

Poco::JSON::Object::Ptr transactionJson(const LedgerEntry& entry)
{
	Poco::JSON::Object::Ptr row = http::orderedObject();
	row->set("id", entry.id);
	row->set("type", entry.type);
	row->set("amount", util::toJsonDollars(entry.amount));
	row->set("balance_after", util::toJsonDollars(entry.balanceAfter));
	row->set("description", entry.description);
	row->set("breakdown", parseBreakdown(entry.breakdown));
	row->set("created_at", db::isoTime(entry.createdAt));
	return row;
}

Poco::JSON::Object::Ptr usageReportJson(const UsageReport& report)
{
	Poco::JSON::Array::Ptr logs = new Poco::JSON::Array;
	for (const UsageRecord& record : report.logs.rows)
		logs->add(usageRowJson(record));

	Poco::JSON::Array::Ptr breakdown = new Poco::JSON::Array;
	for (const VmUsageSummary& vm : report.vms)
	{
		Poco::JSON::Object::Ptr row = http::orderedObject();
		row->set("vm_id", vm.vmId);
		row->set("vmid", static_cast<Poco::Int64>(vm.vmid));
		row->set("gpu_model", vm.gpuType);
		row->set("hours", hours(vm.gpuSeconds));
		row->set("cost", util::toJsonDollars(vm.cost));
		breakdown->add(row);
	}

	Poco::JSON::Object::Ptr body = http::orderedObject();
	body->set("logs", logs);
	body->set("total_cost", util::toJsonDollars(report.totalCost));
	body->set("total_hours", hours(report.gpuSeconds));
	body->set("period_start", db::isoTime(report.from));
	body->set("period_end", db::isoTime(report.to - 1));
	body->set("vm_breakdown", breakdown);
	return body;
}

Poco::JSON::Object::Ptr currentSpendJson(const std::vector<VmSpend>& vms, std::int64_t now)
{
	Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
	util::Micros perHour = 0;
	int running = 0;
	for (const VmSpend& vm : vms)
	{
		util::Micros total = vm.gpuPerHour + vm.storagePerHour + vm.networkPerHour;
		perHour += total;
		if (isGpuBillable(vm.status))
			++running;

		Poco::JSON::Object::Ptr row = http::orderedObject();
		row->set("vm_id", vm.vmId);
		row->set("vmid", static_cast<Poco::Int64>(vm.vmid));
		row->set("gpu_type", vm.gpuType);
		row->set("gpu_count", vm.gpuCount);
		row->set("storage_gb", vm.storageGb);
		row->set("gpu_cost_per_hour", util::toJsonRate(vm.gpuPerHour));
		row->set("storage_cost_per_hour", util::toJsonRate(vm.storagePerHour));
		row->set("network_cost_per_hour", util::toJsonRate(vm.networkPerHour));
		row->set("total_cost_per_hour", util::toJsonRate(total));
		rows->add(row);
	}

	Poco::JSON::Object::Ptr body = http::orderedObject();
	body->set("total_per_hour", util::toJsonRate(perHour));
	body->set("total_per_day", util::toJsonDollars(perHour * 24));
	body->set("total_per_month", util::toJsonDollars(perHour * 24 * 30));
	body->set("hourly_rate", util::toJsonRate(perHour));
	body->set("running_vms", running);
	body->set("vms", rows);
	body->set("last_updated", db::isoTime(now));
	return body;
}

} // namespace gpucloud::billing
