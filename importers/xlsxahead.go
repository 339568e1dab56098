package importers

import "io"

// aheadReader unpacks a zip part in a goroutine of its own, a few chunks
// ahead of the reader: inflating a sheet is an eighth of reading it, and
// on two cores it need not wait for the scanner.
type aheadReader struct {
	part   io.ReadCloser
	chunks chan []byte // unpacked, in order
	free   chan []byte // read, to fill again
	stop   chan struct{}
	done   chan struct{} // the goroutine is gone: the part may be closed
	cur    []byte
	curBuf []byte
	err    error // the part's error after the last chunk, io.EOF at its end
}

const aheadChunk = 256 << 10

func newAheadReader(part io.ReadCloser) *aheadReader {
	a := &aheadReader{
		part:   part,
		chunks: make(chan []byte, 3),
		free:   make(chan []byte, 4),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i := 0; i < 4; i++ {
		a.free <- make([]byte, aheadChunk)
	}
	go a.fill(part)
	return a
}

func (a *aheadReader) fill(r io.Reader) {
	defer close(a.done)
	defer close(a.chunks)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.stop:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[n:])
			n += m
		}
		if n > 0 {
			select {
			case a.chunks <- buf[:n]:
			case <-a.stop:
				return
			}
		}
		if err != nil {
			a.err = err // read by Read after chunks is closed
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	if len(a.cur) == 0 {
		if a.curBuf != nil {
			a.free <- a.curBuf[:cap(a.curBuf)]
			a.curBuf = nil
		}
		buf, ok := <-a.chunks
		if !ok {
			return 0, a.err
		}
		a.cur, a.curBuf = buf, buf
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine, waits for it to be gone and closes the part.
func (a *aheadReader) Close() error {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	<-a.done
	return a.part.Close()
}
