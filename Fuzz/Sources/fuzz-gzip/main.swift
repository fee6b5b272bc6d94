import FuzzDriver

// libFuzzer on FuzzEntry.gzip (see ../../README.md).
runFuzzer(.gzip)
