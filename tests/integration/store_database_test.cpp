// Integration tests of the DB lane: threading, error propagation, reconnects and stopping.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "store/database.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

namespace asio = boost::asio;
using store_test::query_value;
using store_test::run_blocking;
using testing::ScratchDatabase;

// Waits for a condition another thread makes true; fails the test after a generous bound.
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds bound = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = ScratchDatabase::create();
    if (!scratch_) {
      GTEST_SKIP() << "no test database";
    }
  }
  DatabaseOptions options() const {
    DatabaseOptions options;
    options.url = scratch_->url();
    options.initial_backoff = std::chrono::milliseconds(10);
    options.max_backoff = std::chrono::milliseconds(100);
    return options;
  }
  std::optional<ScratchDatabase> scratch_;
};

TEST_F(DatabaseTest, WorkRunsOnTheLaneAndResumesOnTheCallersThread) {
  Database db(options());
  const auto caller = std::this_thread::get_id();
  std::thread::id worker;
  std::thread::id resumed;
  const int answer = run_blocking([&]() -> asio::awaitable<int> {
    const int value = co_await db.run([&](pqxx::connection& connection) {
      worker = std::this_thread::get_id();
      pqxx::nontransaction tx(connection);
      return tx.exec("SELECT 6 * 7")[0][0].as<int>();
    });
    resumed = std::this_thread::get_id();
    co_return value;
  }());
  EXPECT_EQ(answer, 42);
  EXPECT_NE(worker, caller);
  EXPECT_EQ(resumed, caller);
}

TEST_F(DatabaseTest, UnitsRunInOrderOnOneConnection) {
  Database db(options());
  std::vector<int> order;
  std::set<int> backends;
  run_blocking([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) {
      co_await db.run([&, i](pqxx::connection& connection) {
        order.push_back(i);
        backends.insert(connection.backendpid());
      });
    }
  }());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(backends.size(), 1u);
  EXPECT_EQ(db.stats().connects, 1u);
  EXPECT_EQ(db.stats().units_completed, 5u);
}

TEST_F(DatabaseTest, SqlErrorsReachTheCallerWithoutRetry) {
  Database db(options());
  int calls = 0;
  EXPECT_THROW(run_blocking(db.run([&](pqxx::connection& connection) {
                 ++calls;
                 pqxx::work tx(connection);
                 tx.exec("SELECT 1 / 0");
               })),
               pqxx::data_exception);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(db.stats().failed_attempts, 0u);
  // The connection is still good for the next unit.
  EXPECT_EQ(run_blocking(db.run([](pqxx::connection& connection) {
              pqxx::nontransaction tx(connection);
              return tx.exec("SELECT 1")[0][0].as<int>();
            })),
            1);
  EXPECT_EQ(db.stats().connects, 1u);
}

TEST_F(DatabaseTest, OtherExceptionsReachTheCaller) {
  Database db(options());
  EXPECT_THROW(run_blocking(db.run([](pqxx::connection&) -> int { throw std::logic_error("bug"); })),
               std::logic_error);
}

TEST_F(DatabaseTest, TerminatedBackendIsReplacedAndTheUnitRetried) {
  Database db(options());
  const int first_pid = run_blocking(db.run([](pqxx::connection& connection) { return connection.backendpid(); }));

  const std::string pid = std::to_string(first_pid);
  EXPECT_EQ(query_value(scratch_->url(), "SELECT pg_terminate_backend(" + pid + ")"), "true");
  // pg_terminate_backend only signals; wait until the backend is really gone.
  ASSERT_TRUE(eventually([&] {
    return query_value(scratch_->url(), "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == "0";
  }));

  int calls = 0;
  const int second_pid = run_blocking(db.run([&](pqxx::connection& connection) {
    ++calls;
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE IF NOT EXISTS survived (id int)");
    tx.commit();
    return connection.backendpid();
  }));
  EXPECT_NE(second_pid, first_pid);
  EXPECT_GE(calls, 2) << "the unit should have met the dead connection once";
  EXPECT_EQ(db.stats().connects, 2u);
  EXPECT_GE(db.stats().failed_attempts, 1u);
  EXPECT_EQ(query_value(scratch_->url(), "SELECT to_regclass('survived') IS NOT NULL"), "true");
}

TEST_F(DatabaseTest, ConnectionLostInsideATransactionRetriesTheWholeUnit) {
  Database db(options());
  std::promise<int> first_attempt_pid;
  std::atomic<int> calls{0};
  std::exception_ptr error;
  asio::io_context io;
  asio::co_spawn(io,
                 db.run([&](pqxx::connection& connection) {
                   pqxx::work tx(connection);
                   tx.exec("CREATE TABLE IF NOT EXISTS attempts (n int)");
                   tx.exec("INSERT INTO attempts VALUES (1)");
                   if (calls.fetch_add(1) == 0) {
                     first_attempt_pid.set_value(connection.backendpid());
                     tx.exec("SELECT pg_sleep(60)");  // terminated from outside while here
                   }
                   tx.commit();
                 }),
                 [&](std::exception_ptr e) { error = e; });
  std::thread io_thread([&] { io.run(); });

  const std::string pid = std::to_string(first_attempt_pid.get_future().get());
  ASSERT_TRUE(eventually([&] {
    return query_value(scratch_->url(), "SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid) == "PgSleep";
  }));
  EXPECT_EQ(query_value(scratch_->url(), "SELECT pg_terminate_backend(" + pid + ")"), "true");
  io_thread.join();

  EXPECT_FALSE(error);
  EXPECT_EQ(calls.load(), 2);
  // The first attempt's insert died with its transaction; only the retry's is there.
  EXPECT_EQ(query_value(scratch_->url(), "SELECT count(*) FROM attempts"), "1");
}

TEST_F(DatabaseTest, StopFinishesTheRunningUnitAndFailsTheQueuedOnes) {
  Database db(options());
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });

  std::promise<void> started;
  std::promise<void> release;
  auto released = release.get_future();
  std::exception_ptr running_error;
  std::exception_ptr queued_error;
  bool running_done = false;
  bool queued_done = false;
  int running_result = 0;

  asio::co_spawn(io,
                 db.run([&](pqxx::connection& connection) {
                   started.set_value();
                   released.wait();
                   pqxx::nontransaction tx(connection);
                   return tx.exec("SELECT 7")[0][0].as<int>();
                 }),
                 [&](std::exception_ptr error, int value) {
                   running_error = error;
                   running_result = value;
                   running_done = true;
                 });
  started.get_future().wait();
  asio::co_spawn(io, db.run([](pqxx::connection&) {}), [&](std::exception_ptr error) {
    queued_error = error;
    queued_done = true;
  });
  // The queued unit must be in the queue before stop(): wait for the io thread to submit it.
  std::promise<void> submitted;
  asio::post(io, [&] { submitted.set_value(); });
  submitted.get_future().wait();

  db.stop();
  EXPECT_TRUE(db.stopped());
  release.set_value();

  guard.reset();
  io_thread.join();
  ASSERT_TRUE(running_done);
  EXPECT_FALSE(running_error);
  EXPECT_EQ(running_result, 7);
  ASSERT_TRUE(queued_done);
  ASSERT_TRUE(queued_error);
  EXPECT_THROW(std::rethrow_exception(queued_error), Stopped);

  EXPECT_THROW(run_blocking(db.run([](pqxx::connection&) {})), Stopped);
}

TEST(DatabaseUnreachableTest, StopInterruptsRetriesPromptly) {
  DatabaseOptions options;
  // A socket directory that does not exist: every attempt fails at once.
  options.url = "postgresql:///atbackfill?host=/nonexistent-atbackfill-socket-dir";
  // Long enough that waiting it out instead of being interrupted would be unmistakable.
  options.initial_backoff = std::chrono::seconds(60);
  options.max_backoff = std::chrono::seconds(60);

  auto db = std::make_unique<Database>(options);
  asio::io_context io;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(io, db->run([](pqxx::connection&) {}), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  std::thread io_thread([&] { io.run(); });
  ASSERT_TRUE(eventually([&] { return db->stats().failed_attempts >= 1; }));

  const auto before = std::chrono::steady_clock::now();
  db->stop();
  io_thread.join();  // returns once the unit's completion has run
  db.reset();        // joins the lane's thread
  const auto waited = std::chrono::steady_clock::now() - before;

  ASSERT_TRUE(done);
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), Stopped);
  EXPECT_LT(waited, std::chrono::seconds(30));
}

TEST(DatabaseUnreachableTest, DestructionWithoutStopDoesNotWaitForTheBackoff) {
  DatabaseOptions options;
  options.url = "postgresql:///atbackfill?host=/nonexistent-atbackfill-socket-dir";
  options.initial_backoff = std::chrono::seconds(60);
  options.max_backoff = std::chrono::seconds(60);
  asio::io_context io;
  std::exception_ptr error;
  auto db = std::make_unique<Database>(options);
  asio::co_spawn(io, db->run([](pqxx::connection&) {}), [&](std::exception_ptr e) { error = e; });
  std::thread io_thread([&] { io.run(); });
  ASSERT_TRUE(eventually([&] { return db->stats().failed_attempts >= 1; }));

  const auto before = std::chrono::steady_clock::now();
  db.reset();
  io_thread.join();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(30));
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), Stopped);
}

}  // namespace
}  // namespace atbackfill::store
