package all

//go:generate go run gen.go
