#include "ratelimit/rate_limiter.h"

namespace gpucloud::ratelimit
{

const char* rateClassName(RateClass rateClass)
{
	switch (rateClass)
	{
	case RateClass::Login: return "login";
	case RateClass::LoginAccount: return "login_account";
	case RateClass::Auth: return "auth";
	case RateClass::Read: return "read";
	case RateClass::Vm: return "vm";
	case RateClass::Default:
	case RateClass::None: break;
	}
	return "none";
}

} // namespace gpucloud::ratelimit
