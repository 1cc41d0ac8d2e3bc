package round

// Tenth rounds to one decimal.
func Tenth(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }
