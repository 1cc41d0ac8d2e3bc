// Package fmtx formats temperatures for reports (v2.0.0).
package fmtx

import "strconv"

// Celsius renders a temperature with one decimal and a unit.
func Celsius(c float64) string { return strconv.FormatFloat(c, 'f', 1, 64) + " °C" }
