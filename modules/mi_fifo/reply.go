package mi_fifo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// writeReply writes data to the reply FIFO name in dir. The client
// creates that FIFO and opens it for reading after its write; opening
// without blocking and retrying until timeout keeps a client that never
// comes from stalling the MI, and the write deadline covers one that
// opened but does not read.
func writeReply(dir, name string, data []byte, timeout time.Duration) error {
	path := filepath.Join(dir, name)
	deadline := time.Now().Add(timeout)
	var fd int
	for {
		var err error
		// O_NOFOLLOW: a symlink planted in a shared /tmp must not make
		// us write elsewhere.
		fd, err = syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.ENXIO) || time.Now().After(deadline) {
			return fmt.Errorf("open %s: %w", path, err)
		}
		time.Sleep(20 * time.Millisecond) // no reader yet
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	if err := checkReplyFIFO(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f.SetWriteDeadline(deadline)
	_, err := f.Write(data)
	return err
}

// checkReplyFIFO refuses anything but a FIFO with one link, as OpenSIPS
// does: a hard link could point the reply at a file the client does not
// own.
func checkReplyFIFO(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeNamedPipe == 0 {
		return errors.New("not a FIFO")
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return fmt.Errorf("hard-linked %d times", st.Nlink)
	}
	return nil
}
