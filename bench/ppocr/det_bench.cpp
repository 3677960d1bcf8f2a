// det_bench: PP-OCRv4 det (DBNet) through OpenCV 4.6 dnn at one fixed square size.
//
// build: g++ -O2 -std=c++20 det_bench.cpp -o det_bench `pkg-config --cflags --libs opencv4`
// usage: det_bench MODEL_SxS.onnx S page1.jpg [page2.jpg ...] [--dump DIR] [--draw DIR]
//   Each page is scaled so its longer side is S (never up), padded to SxS (zeros after
//   normalisation), normalised like PaddleOCR det (BGR as read, /255, mean .485 .456 .406,
//   std .229 .224 .225), run, and post-processed the DB way: probability > 0.3, contours,
//   min-area boxes, box score (mean prob) > 0.6, unclip by area*1.5/perimeter, min side 3.
//   Prints boxes per page and ms per page (forward, post-processing).
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <time.h>

static double cpu_ms() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_mb() {
    std::ifstream f("/proc/self/status");
    std::string l;
    while (std::getline(f, l))
        if (l.rfind("VmRSS:", 0) == 0) return std::stol(l.substr(6)) / 1024;
    return -1;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: det_bench MODEL S page.jpg... [--dump DIR] [--draw DIR]\n");
        return 2;
    }
    cv::setNumThreads(1);
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    std::string model = argv[1], dump, draw;
    int S = atoi(argv[2]);
    std::vector<std::string> pages;
    for (int i = 3; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dump" && i + 1 < argc) dump = argv[++i];
        else if (a == "--draw" && i + 1 < argc) draw = argv[++i];
        else pages.push_back(a);
    }
    auto net = cv::dnn::readNetFromONNX(model);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    long rss_load = rss_mb();
    const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
    double tot_fwd = 0, tot_post = 0;
    for (size_t p = 0; p < pages.size(); ++p) {
        cv::Mat img = cv::imread(pages[p], cv::IMREAD_COLOR);
        if (img.empty()) {
            fprintf(stderr, "cannot read %s\n", pages[p].c_str());
            continue;
        }
        double sc = std::min(1.0, double(S) / std::max(img.cols, img.rows));
        cv::Mat rs;
        cv::resize(img, rs, cv::Size(std::max(1, int(img.cols * sc + 0.5)), std::max(1, int(img.rows * sc + 0.5))));
        int sz[4] = {1, 3, S, S};
        cv::Mat blob(4, sz, CV_32F, cv::Scalar(0));
        for (int c = 0; c < 3; ++c) {
            float* d = blob.ptr<float>(0, c);
            for (int y = 0; y < rs.rows; ++y) {
                const uchar* s = rs.ptr<uchar>(y);
                for (int x = 0; x < rs.cols; ++x) d[y * S + x] = (s[x * 3 + c] / 255.f - mean[c]) / stdv[c];
            }
        }
        double c0 = cpu_ms();
        net.setInput(blob);
        cv::Mat out = net.forward();  // 1 x 1 x S x S
        double c1 = cpu_ms();
        cv::Mat prob(S, S, CV_32F, out.ptr<float>());
        cv::Mat bin = prob(cv::Rect(0, 0, rs.cols, rs.rows)) > 0.3f;
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(bin, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        std::vector<cv::RotatedRect> boxes;
        for (auto& c : contours) {
            if (c.size() < 4) continue;
            cv::RotatedRect r = cv::minAreaRect(c);
            if (std::min(r.size.width, r.size.height) < 3) continue;
            cv::Mat mask = cv::Mat::zeros(rs.rows, rs.cols, CV_8U);
            std::vector<std::vector<cv::Point>> one{c};
            cv::drawContours(mask, one, 0, cv::Scalar(255), cv::FILLED);
            double score = cv::mean(prob(cv::Rect(0, 0, rs.cols, rs.rows)), mask)[0];
            if (score < 0.6) continue;
            double area = r.size.area(), peri = 2 * (r.size.width + r.size.height);
            double d = area * 1.5 / peri;
            r.size.width += 2 * d;
            r.size.height += 2 * d;
            r.center /= sc;
            r.size.width /= sc;
            r.size.height /= sc;
            boxes.push_back(r);
        }
        double c2 = cpu_ms();
        tot_fwd += c1 - c0;
        tot_post += c2 - c1;
        printf("%s: %zu boxes, forward %.0f ms CPU, post %.0f ms\n", pages[p].c_str(), boxes.size(), c1 - c0, c2 - c1);
        if (!dump.empty()) {
            std::string b = dump + "/det" + std::to_string(p);
            std::ofstream(b + "_in.f32", std::ios::binary).write((char*)blob.data, blob.total() * 4);
            std::ofstream(b + "_cv.f32", std::ios::binary).write((char*)out.data, out.total() * 4);
        }
        if (!draw.empty()) {
            for (auto& r : boxes) {
                cv::Point2f v[4];
                r.points(v);
                for (int k = 0; k < 4; ++k) cv::line(img, v[k], v[(k + 1) % 4], cv::Scalar(0, 0, 255), 2);
            }
            cv::imwrite(draw + "/det" + std::to_string(p) + ".jpg", img);
        }
    }
    printf("# %zu pages at %dx%d: forward %.0f ms/page CPU, post %.0f ms/page; RSS after load %ld MB, end %ld MB\n",
           pages.size(), S, S, tot_fwd / pages.size(), tot_post / pages.size(), rss_load, rss_mb());
}
