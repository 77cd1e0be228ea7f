# Sourced by the guest scripts of these VM tests (". /bin/guest_lib.sh"; add ":guest_lib.sh" to
# the vm_test): the sched_ext state every script waits on.
sysfs=/sys/kernel/sched_ext

# wait_state STATE [POLLS]: polls the state every 0.1 s, at most POLLS times (default 600, 60 s:
# module init under emulation can be slow); returns 1 if the state never came.
wait_state() {
  i=0
  while [ "$(cat $sysfs/state)" != "$1" ]; do
    i=$((i + 1))
    [ $i -gt "${2:-600}" ] && return 1
    sleep 0.1
  done
}
