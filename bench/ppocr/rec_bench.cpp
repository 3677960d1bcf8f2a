// rec_bench: PP-OCRv4 rec (Chinese) through OpenCV 4.6 dnn, width buckets, greedy CTC.
//
// build: g++ -O2 -std=c++20 rec_bench.cpp -o rec_bench `pkg-config --cflags --libs opencv4`
//
// usage: rec_bench [options]
//   --keys FILE          ppocr_keys_v1.txt (class 0 = blank, 1..K = lines, K+1 = ' ')
//   --set FILE           lineset.tsv (id group page x0 y0 x1 y1 gt)
//   --lines DIR          DIR/<id>.png line crops
//   --models PATTERN     printf pattern with (batch, width), e.g. models/rec_%dx%d.onnx
//   --buckets LIST       comma list of bucket widths, e.g. 160,320,480,640
//   --batch N            lines per blob (model file for batch N must exist unless --dynbatch)
//   --dynbatch           feed N-line blobs to the batch-1 model files
//   --fusion 0|1         Net::enableFusion (default 1)
//   --group G            only lines of this group (prefix match)
//   --limit N            only the first N lines
//   --repeat R           time every blob R times (median is reported)
//   --profile            print per layer-type time (Net::getPerfProfile) summed over all runs
//   --ort CMD            instead of OpenCV, send lines to a worker process (e.g. "node models/ppocr/ppocr_worker.js ...")
//                        over a pipe; see stages/ocr/ppocr_worker.js for the protocol
//   --ortpad W           with --ort: pad lines to at least W px (PaddleOCR pads to 320);
//                        -1: pad to the bucket width, as the OpenCV route must
//   --anyw MODEL         one width-agnostic model (rewrite.py --any-width) for all lines; each line
//                        is padded to a multiple of --step px (default 8) instead of a bucket
//   --step S             with --anyw / --ort: pad widths up to a multiple of S
//   --inorder            run lines in file order (page order) instead of grouped by width
//   --out FILE           per-line predictions (id group bucket width wall_ms cpu_ms conf text)
// Prints a summary: ms/line per bucket and overall, RSS after loading / at the end.
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Line {
    std::string id, group, gt;
    cv::Mat img;   // resized to height 48, CV_8UC3 BGR
    int bucket = 0;
    std::string text;
    float conf = 0;
    double ms = 0;   // wall ms (batch time / batch size)
    double cpu = 0;  // CPU ms of the inference thread (OpenCV) or worker process (ORT)
};

double thread_cpu_ms() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

long rss_kb(const char* key = "VmRSS:") {
    std::ifstream f("/proc/self/status");
    std::string l;
    while (std::getline(f, l))
        if (l.rfind(key, 0) == 0) return std::stol(l.substr(strlen(key)));
    return -1;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string t;
    while (std::getline(ss, t, sep)) out.push_back(t);
    return out;
}

std::vector<std::string> load_keys(const std::string& path) {
    std::vector<std::string> cls{""};  // 0 = blank
    std::ifstream f(path);
    std::string l;
    while (std::getline(f, l)) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        cls.push_back(l);
    }
    cls.push_back(" ");  // last class: space
    return cls;
}

// Resize to height 48 keeping the aspect ratio (PaddleOCR resize_norm_img), width capped at maxw.
cv::Mat resize_line(const cv::Mat& src, int maxw) {
    int w = (int)std::ceil(48.0 * src.cols / src.rows);
    w = std::clamp(w, 1, maxw);
    cv::Mat dst;
    cv::resize(src, dst, cv::Size(w, 48), 0, 0, cv::INTER_LINEAR);
    return dst;
}

// Write lines [b, e) into an N x 3 x 48 x W float blob, (x/255 - 0.5)/0.5, zero padding on the right.
void fill_blob(cv::Mat& blob, const std::vector<Line*>& ls, int W) {
    int N = blob.size[0];
    blob.setTo(0);
    for (int n = 0; n < (int)ls.size() && n < N; ++n) {
        const cv::Mat& im = ls[n]->img;
        for (int c = 0; c < 3; ++c) {
            float* dst = blob.ptr<float>(n, c);
            for (int y = 0; y < 48; ++y) {
                const uchar* s = im.ptr<uchar>(y);
                float* d = dst + y * W;
                for (int x = 0; x < im.cols; ++x) d[x] = s[x * 3 + c] * (2.f / 255.f) - 1.f;
            }
        }
    }
}

// Greedy CTC over a T x C probability table. Confidence = mean max-prob of the emitted steps.
void ctc_decode(const float* p, int T, int C, const std::vector<std::string>& cls, std::string& text,
                float& conf) {
    text.clear();
    double sum = 0;
    int n = 0, prev = -1;
    for (int t = 0; t < T; ++t) {
        const float* row = p + (size_t)t * C;
        int best = int(std::max_element(row, row + C) - row);
        if (best != 0 && best != prev) {
            if (best < (int)cls.size()) text += cls[best];
            sum += row[best];
            ++n;
        }
        prev = best;
    }
    conf = n ? float(sum / n) : 0.f;
}

// ---- ORT worker client (fork/exec, pipes) ----
struct Worker {
    pid_t pid = -1;
    FILE* to = nullptr;
    FILE* from = nullptr;
    bool start(const std::string& cmd) {
        int a[2], b[2];
        if (pipe(a) || pipe(b)) return false;
        pid = fork();
        if (pid == 0) {
            dup2(a[0], 0);
            dup2(b[1], 1);
            close(a[1]);
            close(b[0]);
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
            _exit(127);
        }
        close(a[0]);
        close(b[1]);
        to = fdopen(a[1], "wb");
        from = fdopen(b[0], "rb");
        return true;
    }
    // request: u32 len | u32 id | u16 h | u16 padw | u16 count | count * (u16 w | h*w*3 bytes BGR HWC)
    // the worker builds a count x 3 x h x padw tensor, zero (after normalisation) right of each image.
    bool send(uint32_t id, const std::vector<cv::Mat>& imgs, int padw) {
        uint16_t h = 48, pw = (uint16_t)padw, cnt = (uint16_t)imgs.size();
        uint32_t len = 4 + 2 + 2 + 2;
        for (auto& m : imgs) len += 2 + (uint32_t)m.cols * h * 3;
        fwrite(&len, 4, 1, to);
        fwrite(&id, 4, 1, to);
        fwrite(&h, 2, 1, to);
        fwrite(&pw, 2, 1, to);
        fwrite(&cnt, 2, 1, to);
        for (auto& m : imgs) {
            CV_Assert(m.isContinuous() && m.rows == h && m.cols <= padw);
            uint16_t w = (uint16_t)m.cols;
            fwrite(&w, 2, 1, to);
            fwrite(m.data, 1, (size_t)h * w * 3, to);
        }
        return fflush(to) == 0;
    }
    // response: one line per image: id \t conf \t ms \t cpu_ms \t text \n
    bool recv(std::string& line) {
        char* buf = nullptr;
        size_t cap = 0;
        ssize_t n = getline(&buf, &cap, from);
        if (n <= 0) {
            free(buf);
            return false;
        }
        line.assign(buf, n);
        free(buf);
        if (!line.empty() && line.back() == '\n') line.pop_back();
        return true;
    }
    void stop() {
        if (to) fclose(to);
        if (from) fclose(from);
        if (pid > 0) waitpid(pid, nullptr, 0);
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::string keys = "package/assets/ppocr_keys_v1.txt", set = "lineset.tsv", dir = "lines",
                pattern = "models/rec_%dx%d.onnx", out, group, ort;
    std::vector<int> buckets{160, 320, 480, 640, 800, 960, 1120, 1280, 1600, 1920};
    int batch = 1, limit = 1 << 30, repeat = 1, fusion = 1, ortpad = 0;
    bool dynbatch = false, profile = false, inorder = false;
    std::string anyw;
    int step = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "missing value for " << a << "\n";
                exit(2);
            }
            return argv[++i];
        };
        if (a == "--keys") keys = next();
        else if (a == "--set") set = next();
        else if (a == "--lines") dir = next();
        else if (a == "--models") pattern = next();
        else if (a == "--buckets") {
            buckets.clear();
            for (auto& s : split(next(), ',')) buckets.push_back(std::stoi(s));
            std::sort(buckets.begin(), buckets.end());
        } else if (a == "--batch") batch = std::stoi(next());
        else if (a == "--dynbatch") dynbatch = true;
        else if (a == "--fusion") fusion = std::stoi(next());
        else if (a == "--group") group = next();
        else if (a == "--limit") limit = std::stoi(next());
        else if (a == "--repeat") repeat = std::stoi(next());
        else if (a == "--profile") profile = true;
        else if (a == "--ort") ort = next();
        else if (a == "--ortpad") ortpad = std::stoi(next());
        else if (a == "--out") out = next();
        else if (a == "--anyw") anyw = next();
        else if (a == "--step") step = std::stoi(next());
        else if (a == "--inorder") inorder = true;
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    cv::setNumThreads(1);
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    auto cls = load_keys(keys);
    long rss0 = rss_kb();

    // ---- lines ----
    std::vector<Line> lines;
    {
        std::ifstream f(set);
        std::string l;
        while (std::getline(f, l) && (int)lines.size() < limit) {
            auto c = split(l, '\t');
            if (c.size() < 8) continue;
            if (!group.empty() && c[1].rfind(group, 0) != 0) continue;
            Line ln;
            ln.id = c[0];
            ln.group = c[1];
            ln.gt = c[7];
            cv::Mat im = cv::imread(dir + "/" + ln.id + ".png", cv::IMREAD_COLOR);
            if (im.empty()) {
                std::cerr << "cannot read " << ln.id << "\n";
                continue;
            }
            ln.img = resize_line(im, ort.empty() ? buckets.back() : 4000);
            ln.bucket = buckets.back();
            for (int b : buckets)
                if (ln.img.cols <= b) {
                    ln.bucket = b;
                    break;
                }
            if (!anyw.empty() || (!ort.empty() && step > 0)) {
                int s = step > 0 ? step : 8;
                ln.bucket = (ln.img.cols + s - 1) / s * s;
            }
            lines.push_back(std::move(ln));
        }
    }
    std::map<int, std::vector<Line*>> by_bucket;
    for (auto& l : lines) by_bucket[l.bucket].push_back(&l);

    std::map<int, std::pair<double, int>> bucket_ms;  // per-line ms sum, count
    std::map<int, double> bucket_cpu;                 // per-line CPU ms sum
    double total_ms = 0, total_cpu = 0;
    long rss_loaded = 0;

    if (!ort.empty()) {
        // ---------------- ORT worker route ----------------
        Worker w;
        auto t0 = std::chrono::steady_clock::now();
        if (!w.start(ort)) return 1;
        std::string resp;
        {  // warm-up + wait for model load
            std::vector<cv::Mat> im{cv::Mat(48, 320, CV_8UC3, cv::Scalar(255, 255, 255))};  // warm-up
            w.send(0, im, 320);
            if (!w.recv(resp)) {
                std::cerr << "worker died\n";
                return 1;
            }
        }
        double load_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::cerr << "worker ready (load + first run) in " << load_ms << " ms\n";
        // batching with ORT: lines of one bucket padded to the bucket width, N per request
        std::vector<Line*> order;
        if (batch == 1)
            for (auto& l : lines) order.push_back(&l);
        else
            for (auto& [b, v] : by_bucket) order.insert(order.end(), v.begin(), v.end());
        for (size_t i = 0; i < order.size();) {
            std::vector<Line*> grp{order[i]};
            if (batch > 1)
                while (grp.size() < (size_t)batch && i + grp.size() < order.size() &&
                       order[i + grp.size()]->bucket == order[i]->bucket)
                    grp.push_back(order[i + grp.size()]);
            std::vector<cv::Mat> imgs;
            int W = (batch > 1 || ortpad < 0 || step > 0) ? grp[0]->bucket : ortpad;
            for (auto* l : grp) {
                imgs.push_back(l->img);
                W = std::max(W, l->img.cols);
            }
            auto t1 = std::chrono::steady_clock::now();
            w.send((uint32_t)i, imgs, W);
            for (auto* l : grp) {
                if (!w.recv(resp)) {
                    std::cerr << "worker died\n";
                    return 1;
                }
                auto c = split(resp, '\t');
                l->conf = std::stof(c[1]);
                l->cpu = c.size() > 3 ? std::stod(c[3]) : 0;
                l->text = c.size() > 4 ? c[4] : "";
            }
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
            for (auto* l : grp) {
                l->ms = ms / grp.size();
                bucket_ms[l->bucket].first += l->ms;
                bucket_ms[l->bucket].second++;
                bucket_cpu[l->bucket] += l->cpu;
                total_cpu += l->cpu;
            }
            total_ms += ms;
            i += grp.size();
        }
        w.stop();
    } else {
        // ---------------- OpenCV route ----------------
        std::map<int, cv::dnn::Net> nets;
        cv::dnn::Net shared;
        for (auto& [b, v] : by_bucket) {
            if (!anyw.empty() && !shared.empty()) {
                nets[b] = shared;  // same network, the input width changes per line
                continue;
            }
            char path[512];
            snprintf(path, sizeof path, pattern.c_str(), dynbatch ? 1 : batch, b);
            if (!anyw.empty()) snprintf(path, sizeof path, "%s", anyw.c_str());
            auto t0 = std::chrono::steady_clock::now();
            cv::dnn::Net net;
            try {
                net = cv::dnn::readNetFromONNX(path);
            } catch (const cv::Exception& e) {
                std::cerr << "load failed: " << path << ": " << e.what() << "\n";
                return 1;
            }
            net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
            net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
            net.enableFusion(fusion != 0);
            int sz[4] = {batch, 3, 48, b};
            cv::Mat blob(4, sz, CV_32F, cv::Scalar(0));
            net.setInput(blob);
            try {
                net.forward();
            } catch (const cv::Exception& e) {
                std::cerr << "forward failed (bucket " << b << ", batch " << batch << "): " << e.what() << "\n";
                return 1;
            }
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            std::cerr << "bucket " << b << ": load+first forward " << ms << " ms, RSS " << rss_kb() / 1024
                      << " MB\n";
            nets[b] = net;
            if (!anyw.empty()) shared = net;
        }
        rss_loaded = rss_kb();
        std::map<std::string, double> prof;
        std::vector<std::vector<Line*>> jobs;
        if (inorder)
            for (auto& l : lines) jobs.push_back({&l});
        else
            for (auto& [b, v] : by_bucket)
                for (size_t i = 0; i < v.size(); i += batch)
                    jobs.emplace_back(v.begin() + i, v.begin() + std::min(v.size(), i + batch));
        for (auto& grp : jobs) {
            int b = grp[0]->bucket;
            auto& net = nets[b];
            int sz[4] = {batch, 3, 48, b};
            cv::Mat blob(4, sz, CV_32F);
            {
                fill_blob(blob, grp, b);
                std::vector<double> times, cpus;
                cv::Mat outm;
                for (int r = 0; r < repeat; ++r) {
                    auto t1 = std::chrono::steady_clock::now();
                    double c1 = thread_cpu_ms();
                    net.setInput(blob);
                    outm = net.forward();
                    cpus.push_back(thread_cpu_ms() - c1);
                    times.push_back(
                        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count());
                    if (profile) {
                        std::vector<double> lt;
                        net.getPerfProfile(lt);
                        auto names = net.getLayerNames();
                        for (size_t k = 0; k < names.size() && k < lt.size(); ++k) {
                            auto L = net.getLayer(net.getLayerId(names[k]));
                            prof[L->type] += lt[k] * 1000.0 / cv::getTickFrequency();
                        }
                    }
                }
                std::sort(times.begin(), times.end());
                std::sort(cpus.begin(), cpus.end());
                double ms = times[times.size() / 2], cpu = cpus[cpus.size() / 2];
                // out: N x T x C
                int T = outm.size[1], C = outm.size[2];
                for (size_t n = 0; n < grp.size(); ++n) {
                    ctc_decode(outm.ptr<float>((int)n), T, C, cls, grp[n]->text, grp[n]->conf);
                    grp[n]->ms = ms / grp.size();
                    grp[n]->cpu = cpu / grp.size();
                    bucket_ms[b].first += grp[n]->ms;
                    bucket_ms[b].second++;
                    bucket_cpu[b] += grp[n]->cpu;
                }
                total_ms += ms;
                total_cpu += cpu;
            }
        }
        if (profile) {
            std::vector<std::pair<double, std::string>> p;
            double tot = 0;
            for (auto& [k, v] : prof) {
                p.push_back({v, k});
                tot += v;
            }
            std::sort(p.rbegin(), p.rend());
            std::cout << "# profile by layer type (ms, share):\n";
            for (auto& [v, k] : p) printf("#   %-22s %9.1f  %5.1f%%\n", k.c_str(), v, 100 * v / tot);
        }
    }

    if (!out.empty()) {
        std::ofstream o(out);
        for (auto& l : lines)
            o << l.id << '\t' << l.group << '\t' << l.bucket << '\t' << l.img.cols << '\t' << l.ms << '\t' << l.cpu
              << '\t' << l.conf
              << '\t' << l.text << '\n';
    }
    double nl = (double)std::max<size_t>(1, lines.size());
    printf("# lines %zu, batch %d, fusion %d, total %.0f ms, %.1f ms/line wall, %.1f ms/line CPU\n", lines.size(), batch,
           fusion, total_ms, total_ms / nl, total_cpu / nl);
    for (auto& [b, v] : bucket_ms)
        printf("#   bucket %5d: %4d lines, %7.1f ms/line wall, %7.1f CPU\n", b, v.second, v.first / v.second,
               bucket_cpu[b] / v.second);
    printf("# RSS: start %ld MB, models loaded %ld MB, end %ld MB, peak %ld MB\n", rss0 / 1024, rss_loaded / 1024,
           rss_kb() / 1024, rss_kb("VmHWM:") / 1024);
    return 0;
}
