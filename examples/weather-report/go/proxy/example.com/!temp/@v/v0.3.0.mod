module example.com/Temp

go 1.19
