// SharedWork: every item runs exactly once, on the owner or on helpers, and
// Run returns only when all have returned.
#include "pipeline/core/shared_work.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ocrflow {
namespace {

TEST(SharedWork, OwnerAloneRunsEveryItemOnce) {
  SharedWork work;
  std::vector<int> runs(50, 0);
  work.Run(runs.size(), [&](size_t i) { ++runs[i]; });
  for (int r : runs) EXPECT_EQ(r, 1);
  work.Run(0, [&](size_t) { FAIL() << "no items"; });
  EXPECT_FALSE(work.HelpOnce());  // nothing posted any more
}

TEST(SharedWork, HelpersTakeItemsAndRunWaitsForThem) {
  SharedWork work;
  constexpr size_t kItems = 40;
  std::vector<std::atomic<int>> runs(kItems);
  std::vector<std::thread::id> by(kItems);
  std::atomic<bool> stop{false};
  std::atomic<int> helped{0};
  std::vector<std::thread> helpers;
  for (int h = 0; h < 3; ++h)
    helpers.emplace_back([&] {
      while (!stop) {
        if (work.HelpOnce()) ++helped;
        else work.WaitForWork(std::chrono::milliseconds(5));
      }
    });
  // Slow items, so helpers get some; each records the thread that ran it.
  work.Run(kItems, [&](size_t i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    by[i] = std::this_thread::get_id();
    ++runs[i];
  });
  // Every item ran once and had returned before Run did.
  for (size_t i = 0; i < kItems; ++i) EXPECT_EQ(runs[i].load(), 1) << i;
  stop = true;
  for (auto& t : helpers) t.join();
  EXPECT_GT(helped.load(), 0);
  int on_owner = 0;
  for (const auto& id : by) on_owner += id == std::this_thread::get_id();
  EXPECT_GT(on_owner, 0);
  EXPECT_LT(on_owner, static_cast<int>(kItems));
}

TEST(SharedWork, TwoOwnersAtOnceEachGetTheirOwnItems) {
  SharedWork work;
  std::vector<int> a(30, 0), b(30, 0);
  std::atomic<bool> stop{false};
  std::thread helper([&] {
    while (!stop)
      if (!work.HelpOnce()) work.WaitForWork(std::chrono::milliseconds(2));
  });
  std::thread other([&] {
    work.Run(b.size(), [&](size_t i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++b[i];
    });
  });
  work.Run(a.size(), [&](size_t i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ++a[i];
  });
  other.join();
  stop = true;
  helper.join();
  for (int r : a) EXPECT_EQ(r, 1);
  for (int r : b) EXPECT_EQ(r, 1);
}

// An item that throws on a helper does not take the helper's thread down:
// the owner gets the exception once every item is done.
TEST(SharedWork, AnItemsExceptionReachesTheOwner) {
  SharedWork work;
  std::atomic<bool> stop{false};
  std::thread helper([&] {
    while (!stop)
      if (!work.HelpOnce()) work.WaitForWork(std::chrono::milliseconds(2));
  });
  std::atomic<int> ran{0};
  EXPECT_THROW(work.Run(20,
                        [&](size_t i) {
                          std::this_thread::sleep_for(std::chrono::milliseconds(1));
                          ++ran;
                          if (i == 7) throw std::runtime_error("item 7");
                        }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 20);
  stop = true;
  helper.join();
}

}  // namespace
}  // namespace ocrflow
