// Measures one meter pass over many billable VMs on SQLite: the first pass (which creates every cursor) and the
// steady-state pass a minute later. Usage: billing_meter_bench [vms] [vms-per-user]
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <sys/resource.h>

#include "billing/meter.h"
#include "support/billing_fixture.h"
#include "util/random.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;

namespace
{

constexpr std::int64_t kStart = 1700000000;

/// Inserts `vms` running VMs spread over users with bulk statements, as fast as the database allows.
void populate(testing::BillingFixture& fixture, int vms, int vmsPerUser)
{
	int users = (vms + vmsPerUser - 1) / vmsPerUser;
	std::vector<std::string> emails;
	for (int i = 0; i < users; ++i)
		emails.push_back("user" + std::to_string(i) + "@example.com");
	std::vector<std::string> ids;
	std::vector<Poco::Int64> vmids, owners;
	for (int i = 0; i < vms; ++i)
	{
		ids.push_back(util::uuid4());
		vmids.push_back(i + 1);
		owners.push_back(i / vmsPerUser + 1);
	}
	fixture.database().transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO users (email, password_hash, balance_micros, created_at, updated_at) "
				   "VALUES ($1, 'x', 1000000000, 0, 0)", use(emails), now;
		session << "INSERT INTO vms (id, vmid, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, "
				   "ram_gb, cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, "
				   "created_at, updated_at) VALUES ($1, $2, $3, 'mock', 'vm01', 100, '4090', 1, 100, 16, 8, "
				   "'on_demand', 'running', 690000, 10000, 1700000000, 1700000000)",
			use(ids), use(vmids), use(owners), now;
		session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, 'running', 1700000000)",
			use(ids), now;
	});
}

double cpuMilliseconds()
{
	rusage usage{};
	getrusage(RUSAGE_SELF, &usage);
	return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
		+ (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/// Runs one pass; returns its wall-clock milliseconds and stores its CPU milliseconds in `cpu`.
double timePass(billing::Meter& meter, std::int64_t end, billing::MeterReport& report, double& cpu)
{
	double cpuBefore = cpuMilliseconds();
	auto started = std::chrono::steady_clock::now();
	report = meter.charge(end);
	cpu = cpuMilliseconds() - cpuBefore;
	return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

} // namespace

int main(int argc, char** argv)
{
	int vms = argc > 1 ? std::atoi(argv[1]) : 100000;
	int vmsPerUser = argc > 2 ? std::atoi(argv[2]) : 1;
	testing::BillingFixture fixture;
	populate(fixture, vms, vmsPerUser);
	billing::Meter meter(fixture.database(), fixture.store(), nullptr, nullptr, {});

	billing::MeterReport report;
	double cpu = 0;
	double first = timePass(meter, kStart + 60, report, cpu);
	std::cout << "first pass:  " << report.vmsCharged << " VMs of " << report.users << " users, " << first
			  << " ms wall, " << cpu << " ms CPU\n";
	for (int minute = 2; minute <= 4; ++minute)
	{
		double steady = timePass(meter, kStart + 60 * minute, report, cpu);
		std::cout << "steady pass: " << report.vmsCharged << " VMs, " << report.usageRecords << " usage rows, "
				  << report.chunks << " chunks, " << steady << " ms wall, " << cpu << " ms CPU\n";
	}
	return EXIT_SUCCESS;
}
