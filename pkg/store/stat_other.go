//go:build !linux

package store

import "os"

func osStat(fi os.FileInfo) statInfo { return statInfo{} }
