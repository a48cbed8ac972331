#pragma once
/// \file
/// The whole engine in one include (the JSON layer is `slotcraft/json.hpp`).

#include <slotcraft/availability.hpp>
#include <slotcraft/booking.hpp>
#include <slotcraft/day_grid.hpp>
#include <slotcraft/error.hpp>
#include <slotcraft/interval_set.hpp>
#include <slotcraft/reason.hpp>
#include <slotcraft/resource_view.hpp>
#include <slotcraft/schedule.hpp>
#include <slotcraft/service.hpp>
#include <slotcraft/time.hpp>
#include <slotcraft/tz.hpp>
#include <slotcraft/version.hpp>
