// Package temp converts temperature scales; its module path has an upper-case letter.
package temp

// Fahrenheit converts degrees Celsius to Fahrenheit.
func Fahrenheit(c float64) float64 { return c*9/5 + 32 }
