// The DB lane: its thread, its queue, and reconnecting with backoff.
#include "store/database.hpp"

#include "util/log.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/except>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "store/conninfo.hpp"

namespace atbackfill::store {
namespace {

namespace asio = boost::asio;

struct Job {
  std::function<void(pqxx::connection&)> work;
  // Hands the outcome back to the caller's executor; called exactly once, from any thread.
  std::function<void(std::exception_ptr)> done;
};

enum class FailureKind { broken_connection, transient, fatal };

// Which failures are worth retrying the whole unit for.
FailureKind classify(std::exception_ptr error, const pqxx::connection* connection) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::broken_connection&) {
    return FailureKind::broken_connection;
  } catch (const pqxx::in_doubt_error&) {
    // The commit may or may not have happened; units are idempotent, so doing it again is safe.
    return FailureKind::broken_connection;
  } catch (const pqxx::transaction_rollback&) {
    return FailureKind::transient;  // serialization failure, deadlock: the server asks for a retry
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    // Class 08: connection exception; 57P0x: the server is shutting down or terminated us.
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
      return FailureKind::broken_connection;
    }
  } catch (...) {
  }
  if (connection != nullptr && !connection->is_open()) {
    return FailureKind::broken_connection;
  }
  return FailureKind::fatal;
}

std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::string text = e.what();
    // libpq messages end with a newline and sometimes span lines; keep the log one line.
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\t', ' ');
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    return text;
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

struct Database::Impl {
  explicit Impl(DatabaseOptions opts) : options(std::move(opts)) {
    conninfo = with_default_param(options.url, "connect_timeout",
                                  std::to_string(std::max<long long>(1, options.connect_timeout.count())));
    conninfo = with_default_param(conninfo, "fallback_application_name", "atbackfill");
    thread = std::thread([this] { loop(); });
  }

  void loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) {
          break;
        }
        job = std::move(queue.front());
        queue.pop_front();
      }
      execute(job);
    }
    connection.reset();
  }

  void execute(Job& job) {
    auto delay = options.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      std::exception_ptr error;
      try {
        if (!connection) {
          connection = std::make_unique<pqxx::connection>(conninfo);
          ++connects;
          if (attempt > 1) {
            spdlog::info("db connected attempt={} backend_pid={}", attempt, connection->backendpid());
          }
        }
        job.work(*connection);
      } catch (...) {
        error = std::current_exception();
      }
      if (!error) {
        ++units_completed;
        job.done(nullptr);
        return;
      }
      const FailureKind kind = classify(error, connection.get());
      if (kind == FailureKind::fatal) {
        ++units_completed;
        job.done(error);
        return;
      }
      ++failed_attempts;
      if (kind == FailureKind::broken_connection) {
        connection.reset();
      }
      spdlog::warn("db {} attempt={} retry_in_ms={} error=\"{}\"",
                   kind == FailureKind::broken_connection ? "reconnect" : "retry", attempt, delay.count(),
                   util::one_line(describe(error)));
      if (!wait_unless_stopped(delay)) {
        spdlog::info("db unit abandoned reason=stopping attempt={}", attempt);
        job.done(std::make_exception_ptr(Stopped{}));
        return;
      }
      delay = std::min(delay * 2, options.max_backoff);
    }
  }

  // False when stop() was called, before or during the wait.
  bool wait_unless_stopped(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, delay, [this] { return stopping; });
  }

  void submit(Job job) {
    {
      std::lock_guard lock(mutex);
      if (!stopping) {
        queue.push_back(std::move(job));
        wake.notify_all();
        return;
      }
    }
    job.done(std::make_exception_ptr(Stopped{}));
  }

  void stop() {
    std::deque<Job> abandoned;
    {
      std::lock_guard lock(mutex);
      stopping = true;
      abandoned.swap(queue);
      wake.notify_all();
    }
    for (auto& job : abandoned) {
      job.done(std::make_exception_ptr(Stopped{}));
    }
  }

  DatabaseOptions options;
  std::string conninfo;

  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> queue;
  bool stopping = false;

  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> failed_attempts{0};
  std::atomic<std::uint64_t> units_completed{0};

  std::unique_ptr<pqxx::connection> connection;  // touched by the lane's thread only
  std::thread thread;                            // last: started after everything it uses
};

Database::Database(DatabaseOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Database::~Database() {
  impl_->stop();
  impl_->thread.join();
}

void Database::stop() { impl_->stop(); }

bool Database::stopped() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stopping;
}

DatabaseStats Database::stats() const {
  return DatabaseStats{impl_->connects.load(), impl_->failed_attempts.load(), impl_->units_completed.load()};
}

asio::awaitable<void> Database::run_erased(std::function<void(pqxx::connection&)> work) {
  auto initiation = [this, &work](auto handler) {
    using Handler = decltype(handler);
    // Keeps the caller's executor from running out of work while the unit is queued.
    struct Pending {
      Handler handler;
      asio::executor_work_guard<asio::associated_executor_t<Handler>> guard;
    };
    auto executor = asio::get_associated_executor(handler);
    auto pending = std::make_shared<Pending>(Pending{std::move(handler), asio::make_work_guard(executor)});
    impl_->submit(Job{std::move(work), [pending](std::exception_ptr error) {
                        auto target = pending->guard.get_executor();
                        asio::post(target, [pending, error]() mutable {
                          pending->guard.reset();
                          std::move(pending->handler)(error);
                        });
                      }});
  };
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(std::move(initiation),
                                                                                          asio::use_awaitable);
}

}  // namespace atbackfill::store
