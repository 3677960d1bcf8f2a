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
#include <functional>
#include <list>
#include <mutex>

namespace ocrflow {

class SharedWork {
 public:
  // Runs fn(0) .. fn(n - 1), each exactly once, on this thread and on any
  // helpers; returns when all have returned.
  void Run(size_t n, const std::function<void(size_t)>& fn) {
    if (n == 0) return;
    Job job{&fn, n};
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
      fn(i);
      Finish(job);
    }
    std::unique_lock<std::mutex> lock(mu_);
    finished_.wait(lock, [&] { return job.done == n; });
    jobs_.erase(it);
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
    (*job->fn)(i);
    Finish(*job);
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
    const std::function<void(size_t)>* fn;
    size_t n;
    size_t next = 0;  // next item to hand out (under mu_)
    size_t done = 0;  // items returned (under mu_)
  };

  void Finish(Job& job) {
    std::lock_guard<std::mutex> lock(mu_);
    if (++job.done == job.n) finished_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable posted_, finished_;
  std::list<Job*> jobs_;
};

}  // namespace ocrflow
