//! The error codes of preview 1 (`errno` in the witx), and how host errors
//! map onto them.

use std::fmt;
use std::io;

macro_rules! errnos {
    ($($name:ident = $value:literal, $text:literal;)*) => {
        /// A preview-1 error code, with the witx's numbering.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $( #[doc = $text] $name = $value, )*
        }

        impl Errno {
            /// The witx description.
            pub fn message(self) -> &'static str {
                match self { $( Errno::$name => $text, )* }
            }
        }
    };
}

errnos! {
    Success = 0, "No error occurred.";
    TooBig = 1, "Argument list too long.";
    Acces = 2, "Permission denied.";
    AddrInUse = 3, "Address in use.";
    AddrNotAvail = 4, "Address not available.";
    AfNoSupport = 5, "Address family not supported.";
    Again = 6, "Resource unavailable, or operation would block.";
    Already = 7, "Connection already in progress.";
    Badf = 8, "Bad file descriptor.";
    BadMsg = 9, "Bad message.";
    Busy = 10, "Device or resource busy.";
    Canceled = 11, "Operation canceled.";
    Child = 12, "No child processes.";
    ConnAborted = 13, "Connection aborted.";
    ConnRefused = 14, "Connection refused.";
    ConnReset = 15, "Connection reset.";
    Deadlk = 16, "Resource deadlock would occur.";
    DestAddrReq = 17, "Destination address required.";
    Dom = 18, "Mathematics argument out of domain of function.";
    Dquot = 19, "Reserved.";
    Exist = 20, "File exists.";
    Fault = 21, "Bad address.";
    Fbig = 22, "File too large.";
    HostUnreach = 23, "Host is unreachable.";
    Idrm = 24, "Identifier removed.";
    Ilseq = 25, "Illegal byte sequence.";
    InProgress = 26, "Operation in progress.";
    Intr = 27, "Interrupted function.";
    Inval = 28, "Invalid argument.";
    Io = 29, "I/O error.";
    IsConn = 30, "Socket is connected.";
    IsDir = 31, "Is a directory.";
    Loop = 32, "Too many levels of symbolic links.";
    Mfile = 33, "File descriptor value too large.";
    Mlink = 34, "Too many links.";
    MsgSize = 35, "Message too large.";
    Multihop = 36, "Reserved.";
    NameTooLong = 37, "Filename too long.";
    NetDown = 38, "Network is down.";
    NetReset = 39, "Connection aborted by network.";
    NetUnreach = 40, "Network unreachable.";
    Nfile = 41, "Too many files open in system.";
    NoBufs = 42, "No buffer space available.";
    NoDev = 43, "No such device.";
    NoEnt = 44, "No such file or directory.";
    NoExec = 45, "Executable file format error.";
    NoLck = 46, "No locks available.";
    NoLink = 47, "Reserved.";
    NoMem = 48, "Not enough space.";
    NoMsg = 49, "No message of the desired type.";
    NoProtoOpt = 50, "Protocol not available.";
    NoSpc = 51, "No space left on device.";
    NoSys = 52, "Function not supported.";
    NotConn = 53, "The socket is not connected.";
    NotDir = 54, "Not a directory or a symbolic link to a directory.";
    NotEmpty = 55, "Directory not empty.";
    NotRecoverable = 56, "State not recoverable.";
    NotSock = 57, "Not a socket.";
    NotSup = 58, "Not supported, or operation not supported on socket.";
    NoTty = 59, "Inappropriate I/O control operation.";
    Nxio = 60, "No such device or address.";
    Overflow = 61, "Value too large to be stored in data type.";
    OwnerDead = 62, "Previous owner died.";
    Perm = 63, "Operation not permitted.";
    Pipe = 64, "Broken pipe.";
    Proto = 65, "Protocol error.";
    ProtoNoSupport = 66, "Protocol not supported.";
    ProtoType = 67, "Protocol wrong type for socket.";
    Range = 68, "Result too large.";
    Rofs = 69, "Read-only file system.";
    Spipe = 70, "Invalid seek.";
    Srch = 71, "No such process.";
    Stale = 72, "Reserved.";
    TimedOut = 73, "Connection timed out.";
    TxtBsy = 74, "Text file busy.";
    Xdev = 75, "Cross-device link.";
    NotCapable = 76, "Extension: Capabilities insufficient.";
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (errno {})", self.message(), *self as u16)
    }
}

impl std::error::Error for Errno {}

impl From<io::Error> for Errno {
    /// The host's error, as the guest sees it.
    ///
    /// cap-std reports a path that would leave its directory (through `..`,
    /// an absolute path or a symbolic link) as `PermissionDenied` without an
    /// OS error code; that is the sandbox refusing, [`Errno::NotCapable`].
    fn from(error: io::Error) -> Self {
        match error.raw_os_error() {
            Some(code) => from_os(rustix::io::Errno::from_raw_os_error(code)),
            None => match error.kind() {
                io::ErrorKind::PermissionDenied => Errno::NotCapable,
                io::ErrorKind::NotFound => Errno::NoEnt,
                io::ErrorKind::AlreadyExists => Errno::Exist,
                io::ErrorKind::InvalidInput => Errno::Inval,
                io::ErrorKind::Unsupported => Errno::NotSup,
                io::ErrorKind::OutOfMemory => Errno::NoMem,
                io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => Errno::Io,
                io::ErrorKind::IsADirectory => Errno::IsDir,
                io::ErrorKind::NotADirectory => Errno::NotDir,
                io::ErrorKind::DirectoryNotEmpty => Errno::NotEmpty,
                io::ErrorKind::InvalidFilename => Errno::Inval,
                _ => Errno::Io,
            },
        }
    }
}

impl From<rustix::io::Errno> for Errno {
    fn from(error: rustix::io::Errno) -> Self {
        from_os(error)
    }
}

/// An operating-system error code, as its preview-1 equivalent.
fn from_os(error: rustix::io::Errno) -> Errno {
    use rustix::io::Errno as Os;
    const TABLE: &[(Os, Errno)] = &[
        (Os::TOOBIG, Errno::TooBig),
        (Os::ACCESS, Errno::Acces),
        (Os::ADDRINUSE, Errno::AddrInUse),
        (Os::ADDRNOTAVAIL, Errno::AddrNotAvail),
        (Os::AFNOSUPPORT, Errno::AfNoSupport),
        (Os::AGAIN, Errno::Again),
        (Os::ALREADY, Errno::Already),
        (Os::BADF, Errno::Badf),
        (Os::BADMSG, Errno::BadMsg),
        (Os::BUSY, Errno::Busy),
        (Os::CANCELED, Errno::Canceled),
        (Os::CHILD, Errno::Child),
        (Os::CONNABORTED, Errno::ConnAborted),
        (Os::CONNREFUSED, Errno::ConnRefused),
        (Os::CONNRESET, Errno::ConnReset),
        (Os::DEADLK, Errno::Deadlk),
        (Os::DESTADDRREQ, Errno::DestAddrReq),
        (Os::DOM, Errno::Dom),
        (Os::DQUOT, Errno::Dquot),
        (Os::EXIST, Errno::Exist),
        (Os::FAULT, Errno::Fault),
        (Os::FBIG, Errno::Fbig),
        (Os::HOSTUNREACH, Errno::HostUnreach),
        (Os::IDRM, Errno::Idrm),
        (Os::ILSEQ, Errno::Ilseq),
        (Os::INPROGRESS, Errno::InProgress),
        (Os::INTR, Errno::Intr),
        (Os::INVAL, Errno::Inval),
        (Os::IO, Errno::Io),
        (Os::ISCONN, Errno::IsConn),
        (Os::ISDIR, Errno::IsDir),
        (Os::LOOP, Errno::Loop),
        (Os::MFILE, Errno::Mfile),
        (Os::MLINK, Errno::Mlink),
        (Os::MSGSIZE, Errno::MsgSize),
        (Os::MULTIHOP, Errno::Multihop),
        (Os::NAMETOOLONG, Errno::NameTooLong),
        (Os::NETDOWN, Errno::NetDown),
        (Os::NETRESET, Errno::NetReset),
        (Os::NETUNREACH, Errno::NetUnreach),
        (Os::NFILE, Errno::Nfile),
        (Os::NOBUFS, Errno::NoBufs),
        (Os::NODEV, Errno::NoDev),
        (Os::NOENT, Errno::NoEnt),
        (Os::NOEXEC, Errno::NoExec),
        (Os::NOLCK, Errno::NoLck),
        (Os::NOLINK, Errno::NoLink),
        (Os::NOMEM, Errno::NoMem),
        (Os::NOMSG, Errno::NoMsg),
        (Os::NOPROTOOPT, Errno::NoProtoOpt),
        (Os::NOSPC, Errno::NoSpc),
        (Os::NOSYS, Errno::NoSys),
        (Os::NOTCONN, Errno::NotConn),
        (Os::NOTDIR, Errno::NotDir),
        (Os::NOTEMPTY, Errno::NotEmpty),
        (Os::NOTRECOVERABLE, Errno::NotRecoverable),
        (Os::NOTSOCK, Errno::NotSock),
        (Os::NOTSUP, Errno::NotSup),
        (Os::OPNOTSUPP, Errno::NotSup),
        (Os::NOTTY, Errno::NoTty),
        (Os::NXIO, Errno::Nxio),
        (Os::OVERFLOW, Errno::Overflow),
        (Os::OWNERDEAD, Errno::OwnerDead),
        (Os::PERM, Errno::Perm),
        (Os::PIPE, Errno::Pipe),
        (Os::PROTO, Errno::Proto),
        (Os::PROTONOSUPPORT, Errno::ProtoNoSupport),
        (Os::PROTOTYPE, Errno::ProtoType),
        (Os::RANGE, Errno::Range),
        (Os::ROFS, Errno::Rofs),
        (Os::SPIPE, Errno::Spipe),
        (Os::SRCH, Errno::Srch),
        (Os::STALE, Errno::Stale),
        (Os::TIMEDOUT, Errno::TimedOut),
        (Os::TXTBSY, Errno::TxtBsy),
        (Os::XDEV, Errno::Xdev),
    ];
    TABLE
        .iter()
        .find(|(os, _)| *os == error)
        .map_or(Errno::Io, |(_, errno)| *errno)
}

/// What a WASI function returns: nothing, or the errno the guest gets.
pub(crate) type WasiResult<T = ()> = Result<T, Errno>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_follows_the_witx() {
        assert_eq!(Errno::Badf as u16, 8);
        assert_eq!(Errno::Fault as u16, 21);
        assert_eq!(Errno::Inval as u16, 28);
        assert_eq!(Errno::NoEnt as u16, 44);
        assert_eq!(Errno::NoSys as u16, 52);
        assert_eq!(Errno::NotSup as u16, 58);
        assert_eq!(Errno::Perm as u16, 63);
        assert_eq!(Errno::NotCapable as u16, 76);
    }

    #[test]
    fn os_errors_map_by_meaning() {
        let not_found = io::Error::from_raw_os_error(rustix::io::Errno::NOENT.raw_os_error());
        assert_eq!(Errno::from(not_found), Errno::NoEnt);
        let exists = io::Error::from_raw_os_error(rustix::io::Errno::EXIST.raw_os_error());
        assert_eq!(Errno::from(exists), Errno::Exist);
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "outside");
        assert_eq!(Errno::from(escape), Errno::NotCapable);
    }
}
