module example.com/fmtx/v2

go 1.19
