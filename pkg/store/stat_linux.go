package store

import (
	"os"
	"syscall"
	"time"
)

func osStat(fi os.FileInfo) statInfo {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statInfo{}
	}
	return statInfo{
		ctime: time.Unix(st.Ctim.Unix()),
		dev:   uint32(st.Dev),
		ino:   uint32(st.Ino),
		uid:   st.Uid,
		gid:   st.Gid,
	}
}
