#include "billing/meter.h"

#include <Poco/Logger.h>

#include "billing/charge_calculator.h"

namespace gpucloud::billing
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.billing");
	return instance;
}

bool holdsGpus(const std::string& status)
{
	return status == "creating" || status == "starting" || status == "running";
}

/// Returns true while the VM's reservation still has deposit left to pay for it.
bool coveredByDeposit(const BillableVm& vm, const RecordedCharges& recorded)
{
	if (vm.reservationId.empty())
		return false;
	auto left = recorded.depositsLeft.find(vm.reservationId);
	return left != recorded.depositsLeft.end() && left->second > 0;
}

} // namespace

Meter::Meter(db::Database& database, std::shared_ptr<BillingStore> store,
	std::shared_ptr<pricing::PricingProvider> pricing, VmControlSource vmControl, MeterOptions options)
	: _database(database), _store(std::move(store)), _pricing(std::move(pricing)), _vmControl(std::move(vmControl)),
	  _options(options), _recorder(*_store)
{
}

MeterReport Meter::charge(std::int64_t end)
{
	MeterReport report;
	std::vector<std::vector<std::int64_t>> chunks;
	{
		Poco::Data::Session session = _database.session();
		chunks = chunkUsers(session);
	}
	for (const std::vector<std::int64_t>& chunk : chunks)
	{
		chargeChunk(chunk, end, report);
		report.users += chunk.size();
		++report.chunks;
	}
	return report;
}

std::vector<std::vector<std::int64_t>> Meter::chunkUsers(Poco::Data::Session& session)
{
	std::vector<std::vector<std::int64_t>> chunks;
	std::size_t vmsInChunk = 0;
	for (const auto& [userId, vmCount] : _store->usersWithBillableVms(session))
	{
		if (chunks.empty() || vmsInChunk >= _options.chunkVms)
		{
			chunks.emplace_back();
			vmsInChunk = 0;
		}
		chunks.back().push_back(userId);
		vmsInChunk += static_cast<std::size_t>(vmCount);
	}
	return chunks;
}

void Meter::chargeChunk(const std::vector<std::int64_t>& userIds, std::int64_t end, MeterReport& report)
{
	util::Micros networkPerTb = _pricing ? _pricing->prices()->networkPerTb : 0;
	for (int attempt = 1;; ++attempt)
	{
		try
		{
			RecordedCharges recorded;
			std::vector<DebtAction> actions;
			std::size_t charged = 0;
			_database.transaction([&](Poco::Data::Session& session) {
				std::vector<BillableVm> vms = _store->billableVms(session, userIds.front(), userIds.back());
				StatusTimelines timelines = _store->statusTimelines(session, vms, end);
				std::vector<PendingCharge> pending;
				pending.reserve(vms.size());
				for (const BillableVm& vm : vms)
				{
					auto charge = computeCharge(vm, timelineOf(timelines, vm), end, networkPerTb);
					if (charge)
						pending.push_back(PendingCharge{vm, *charge});
				}
				recorded = _recorder.record(session, pending, end);
				actions = decideDebtActions(session, vms, recorded, end);
				charged = pending.size();
			});
			report.vmsCharged += charged;
			report.usageRecords += recorded.usageRecords;
			report.charged += recorded.total;
			apply(actions);
			report.actions.insert(report.actions.end(), actions.begin(), actions.end());
			return;
		}
		catch (const CursorConflict& conflict)
		{
			++report.conflicts;
			if (attempt >= _options.conflictRetries)
				throw;
			logger().debug("Meter chunk retried after a concurrent charge: %s", std::string(conflict.what()));
		}
	}
}

std::vector<DebtAction> Meter::decideDebtActions(Poco::Data::Session& session, const std::vector<BillableVm>& vms,
	const RecordedCharges& recorded, std::int64_t end)
{
	std::vector<DebtAction> actions;
	std::multimap<std::int64_t, const BillableVm*> vmsByUser;
	for (const auto& [userId, entry] : recorded.entries)
	{
		if (entry.balanceAfter > 0)
			continue;
		if (vmsByUser.empty())
		{
			for (const BillableVm& vm : vms)
				vmsByUser.emplace(vm.userId, &vm);
		}

		bool destroy = false;
		std::string since;
		if (_options.destroyWhenInDebt && entry.balanceAfter < 0)
		{
			std::optional<std::int64_t> debtStart = _store->debtSince(session, userId);
			destroy = debtStart && end - *debtStart >= _options.debtGraceSeconds;
			if (debtStart)
				since = db::isoTime(*debtStart);
		}

		auto [first, last] = vmsByUser.equal_range(userId);
		for (auto it = first; it != last; ++it)
		{
			const BillableVm& vm = *it->second;
			if (destroy && isStorageBillable(vm.status))
			{
				actions.push_back(DebtAction{DebtAction::Kind::Destroy, vm.id, userId,
					"Destroyed by billing: the account has been in debt since " + since});
			}
			else if (!destroy && holdsGpus(vm.status) && !coveredByDeposit(vm, recorded))
			{
				actions.push_back(DebtAction{DebtAction::Kind::Stop, vm.id, userId,
					"Stopped by billing: the account balance is $" + util::formatDollars(entry.balanceAfter)});
			}
		}
	}
	return actions;
}

void Meter::apply(const std::vector<DebtAction>& actions)
{
	if (actions.empty())
		return;
	std::shared_ptr<vms::VmControl> control = _vmControl ? _vmControl() : nullptr;
	for (const DebtAction& action : actions)
	{
		const char* verb = action.kind == DebtAction::Kind::Stop ? "stop" : "destroy";
		if (!control)
		{
			logger().warning("Billing would %s VM %s of user %Ld, but no VM control is installed: %s", std::string(verb),
				action.vmId, action.userId, action.reason);
			continue;
		}
		try
		{
			if (action.kind == DebtAction::Kind::Stop)
				control->stopVm(action.vmId, action.reason);
			else
				control->destroyVm(action.vmId, action.reason);
			logger().information("Billing requested to %s VM %s of user %Ld: %s", std::string(verb), action.vmId,
				action.userId, action.reason);
		}
		catch (const std::exception& error)
		{
			logger().error("Billing failed to %s VM %s of user %Ld: %s", std::string(verb), action.vmId,
				action.userId, std::string(error.what()));
		}
	}
}

} // namespace gpucloud::billing
