// SharedWork: items of one page's stage that idle workers may take on.
//
// With N pages and two workers the last page runs alone while the other
// worker has nothing to do (8 pages at --jobs 2: 1.77-1.86x the pages per
// minute of --jobs 1, against 2x for the CPU). A stage with independent
// items (the OCR of a page's blocks) runs them through Run(); an idle worker
// of the same run calls HelpOnce() and takes one item at a time. The owner
// takes items too and returns when every item is done, so the stage's
// result does not depend on who ran what (each item writes its own slot).
//
// Items must not share mutable state; each thread uses its own resources
// (Tesseract engines are per thread: stages/ocr/engine.h).
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <list>
#include <mutex>

namespace ocrflow {

class SharedWork {
 public:
  // Runs fn(0) .. fn(n - 1), each exactly once, on this thread and on any
  // helpers; returns when all have returned. An exception thrown by an item
  // (on any thread) is rethrown here once every item has finished.
  void Run(size_t n, const std::function<void(size_t)>& fn) {
    if (n == 0) return;
    Job job;
    job.fn = &fn;
    job.n = n;
    std::list<Job*>::iterator it;
    {
      std::lock_guard<std::mutex> lock(mu_);
      it = jobs_.insert(jobs_.end(), &job);
    }
    posted_.notify_all();
    for (;;) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mu_);
        i = job.next++;
      }
      if (i >= n) break;
      RunItem(job, i);
    }
    std::unique_lock<std::mutex> lock(mu_);
    finished_.wait(lock, [&] { return job.done == n; });
    jobs_.erase(it);
    if (job.error) std::rethrow_exception(job.error);
  }

  // Takes one item of a job in progress and runs it; false when there is
  // none.
  bool HelpOnce() {
    Job* job = nullptr;
    size_t i = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Job* j : jobs_) {
        if (j->next < j->n) {
          job = j;
          i = j->next++;
          break;
        }
      }
    }
    if (job == nullptr) return false;
    RunItem(*job, i);
    return true;
  }

  // Waits until a job is posted or `timeout` passes.
  template <typename Duration>
  void WaitForWork(Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    posted_.wait_for(lock, timeout, [&] {
      for (Job* j : jobs_)
        if (j->next < j->n) return true;
      return false;
    });
  }

 private:
  struct Job {
    const std::function<void(size_t)>* fn = nullptr;
    size_t n = 0;
    size_t next = 0;  // next item to hand out (under mu_)
    size_t done = 0;  // items returned (under mu_)
    std::exception_ptr error;  // the first item's exception (under mu_)
  };

  void RunItem(Job& job, size_t i) {
    std::exception_ptr error;
    try {
      (*job.fn)(i);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (error && !job.error) job.error = error;
    if (++job.done == job.n) finished_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable posted_, finished_;
  std::list<Job*> jobs_;
};

}  // namespace ocrflow
