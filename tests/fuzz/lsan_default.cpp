// Linked into the test programs of a sanitizer build (OCRFLOW_SANITIZE): the
// same leak suppression scripts/fuzz.sh gives LeakSanitizer through
// tests/fuzz/lsan.supp, built in so that a plain `ctest` applies it too.
// fontconfig, called by poppler when a PDF names a font, keeps its pattern
// cache for the life of the process (allocated once per font name, never
// freed): not a leak of ours, and not one that grows per page.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
