module example.com/stations

go 1.19
