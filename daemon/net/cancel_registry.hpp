// Callbacks that abort in-flight operations, so that a shutdown reaches every request.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace atbackfill::net {

// Single-threaded by design (one io_context thread). An operation registers how to abort
// itself for as long as it runs; cancel_all() runs every registered callback once.
class CancelRegistry {
 public:
  class Registration {
   public:
    Registration(CancelRegistry& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { registry_->callbacks_.erase(id_); }

   private:
    CancelRegistry* registry_;
    std::uint64_t id_;
  };

  [[nodiscard]] Registration add(std::function<void()> cancel) {
    const auto id = next_id_++;
    callbacks_.emplace(id, std::move(cancel));
    return Registration(*this, id);
  }

  void cancel_all() {
    auto callbacks = std::exchange(callbacks_, {});
    for (auto& [id, cancel] : callbacks) cancel();
  }

  std::size_t size() const { return callbacks_.size(); }

 private:
  std::map<std::uint64_t, std::function<void()>> callbacks_;
  std::uint64_t next_id_ = 0;
};

}  // namespace atbackfill::net
