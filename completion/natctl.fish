# SPDX-License-Identifier: BSD-2-Clause
# Fish completion for natctl: its commands, every option, and the values some options take.
#
# Mirrors the option tables in src/cli/cli.c (global) and src/cli/cmd_*.c,
# as completion/natctl.bash does; tests/completion/test_completion.sh holds
# it, and completion/_natctl, to natctl's own --help.

# The options of command $argv[1] ("" before the command) that take a value.
function __natctl_argopts
    printf '%s\n' -t --timeout --color
    switch "$argv[1]"
        case map
            printf '%s\n' --via --lifetime --on-change --description --internal -i --interface \
                --gateway --stun --wait
        case stun
            printf '%s\n' --local-port
        case probe
            printf '%s\n' --stun -i --interface --gateway --wait
    end
end

# Reads the command line before the cursor as natctl will: prints "w WORD"
# for the command and then each operand, skipping options and the values of
# those that take one ("-t 2", "--via pcp", "-jt 2"), and last "p OPTION"
# when the word being completed is the value of OPTION.
function __natctl_scan
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ''
    set -l pending ''
    set -l dashdash 0
    for t in $tokens
        if test -n "$pending"
            set pending ''
        else if test $dashdash = 1; or not string match -q -- '-?*' $t
            test -z "$cmd"; and set cmd $t
            echo "w $t"
        else if test "$t" = --
            # Before the command, "--" only ends the global options.
            test -n "$cmd"; and set dashdash 1
        else if string match -q -- '--*=*' $t
            continue
        else if string match -q -- '--*' $t
            contains -- $t (__natctl_argopts $cmd); and set pending $t
        else
            # A cluster of short options: the first one that takes a value
            # takes the rest of the word, or the next word when it ends it.
            set -l letters (string split '' -- (string sub -s 2 -- $t))
            for i in (seq (count $letters))
                if contains -- -$letters[$i] (__natctl_argopts $cmd)
                    test $i = (count $letters); and set pending -$letters[$i]
                    break
                end
            end
        end
    end
    test -n "$pending"; and echo "p $pending"
end

# Is the word being completed the value of one of the options $argv
# ("--lifetime -5": a value, where fish alone would offer options)?
function __natctl_value_of
    set -l pending (__natctl_scan | string replace -rf '^p ' '')
    test -n "$pending"; and contains -- $pending $argv
end

# Is the word being completed free to be an option (not an option's value)?
function __natctl_option
    not __natctl_scan | string match -q 'p *'
end

# Is the command $argv[1] ("" for none yet), with $argv[2] operands after it,
# and the word being completed no option's value?
function __natctl_at
    set -l scan (__natctl_scan)
    string match -q 'p *' -- $scan[-1]; and return 1
    set -l words (string replace -rf '^w ' '' -- $scan)
    test "$words[1]" = "$argv[1]"; or return 1
    test (count $argv) -lt 2; or test (math (count $words) - 1) = $argv[2]
end

complete -c natctl -f

# Commands.
complete -c natctl -n '__natctl_at ""' -a map -d 'open, list, renew or delete a port mapping'
complete -c natctl -n '__natctl_at ""' -a stun -d 'public address and NAT behaviour by STUN'
complete -c natctl -n '__natctl_at ""' -a probe -d 'diagnose the network'
complete -c natctl -n '__natctl_at ""' -a help -d 'show help for a command'
complete -c natctl -n '__natctl_at help 0' -a 'map stun probe help'

# Options of every command, before or after its name. Each option's values
# also complete as the next word (__natctl_value_of): fish offers an
# option's -a values there only while its condition holds.
set -l opt __natctl_option
complete -c natctl -n $opt -s j -l json -d 'print the result as one JSON document'
complete -c natctl -n $opt -s q -l quiet -d 'nothing on stdout on success'
complete -c natctl -n $opt -s t -l timeout -x -d 'deadline for the whole command (seconds)'
complete -c natctl -n $opt -s v -l verbose -d 'trace every packet on stderr'
complete -c natctl -n $opt -l color -x -a 'auto always never' -d 'color the text output'
complete -c natctl -n '__natctl_value_of --color' -a 'auto always never'
complete -c natctl -n $opt -s 4 -l ipv4 -d 'use IPv4 only'
complete -c natctl -n $opt -s 6 -l ipv6 -d 'use IPv6 only'
complete -c natctl -n $opt -s h -l help -d 'show the help and exit'
complete -c natctl -n $opt -s V -l version -d 'show the version and exit'

# map PORT[-LAST][:EXTERNAL] [tcp|udp|both]
set -l map "__natctl_at map; and $opt"
complete -c natctl -n $map -l via -x -a 'auto pcp natpmp upnp' -d 'the port-mapping method'
complete -c natctl -n $map -l lifetime -x -d 'lifetime of the mapping (seconds)'
complete -c natctl -n $map -l keep -d 'stay in the foreground and renew the mappings'
complete -c natctl -n $map -l on-change -x -a '(__fish_complete_command)' -d 'with --keep: run this on each change'
complete -c natctl -n $map -l any -d 'take the port the gateway offers'
complete -c natctl -n $map -l description -x -d 'UPnP description'
complete -c natctl -n $map -l internal -x -d 'map to another host of the LAN'
complete -c natctl -n $map -s i -l interface -x -a '(__fish_print_interfaces)' -d 'use this interface'
complete -c natctl -n $map -l gateway -x -d 'skip discovery: ask this gateway'
complete -c natctl -n $map -l delete -d 'remove the mapping'
complete -c natctl -n $map -l force -d 'with --delete: whatever host it points at'
complete -c natctl -n $map -l cleanup -d 'delete what natctl left mapped from this host'
complete -c natctl -n $map -l list -d 'list the mappings (UPnP only)'
complete -c natctl -n $map -l external -d 'the external address by each method'
complete -c natctl -n $map -l check -d 'prove the mapping reachable from outside'
complete -c natctl -n $map -l stun -x -a '(__fish_print_hostnames)' -d 'the STUN server of --check'
complete -c natctl -n $map -l wait -x -d 'how long a silent gateway gets (seconds)'
complete -c natctl -n $map -l no-cache -d 'neither use nor write the gateway cache'
complete -c natctl -n '__natctl_at map 1' -a 'tcp udp both'

# stun [SERVER[:PORT]]...
set -l stun "__natctl_at stun; and $opt"
complete -c natctl -n $stun -l address-only -d 'only the public address'
complete -c natctl -n $stun -l tcp -d 'only the public address, over TCP'
complete -c natctl -n $stun -l local-port -x -d 'send from this local UDP port'
complete -c natctl -n $stun -l path -d 'the hops toward the first server'
complete -c natctl -n '__natctl_at stun' -a '(__fish_print_hostnames)'

# probe
set -l probe "__natctl_at probe; and $opt"
complete -c natctl -n $probe -l stun -x -a '(__fish_print_hostnames)' -d 'STUN server to use'
complete -c natctl -n $probe -l test-mapping -d 'try a short-lived mapping by each protocol'
complete -c natctl -n $probe -s i -l interface -x -a '(__fish_print_interfaces)' -d 'use this interface'
complete -c natctl -n $probe -l gateway -x -d 'the gateway to ask'
complete -c natctl -n $probe -l wait -x -d 'how long a silent gateway gets (seconds)'
complete -c natctl -n $probe -l no-cache -d 'neither use nor write the gateway cache'

# The values of map's and probe's options, as the next word.
complete -c natctl -n '__natctl_value_of --via' -a 'auto pcp natpmp upnp'
complete -c natctl -n '__natctl_value_of -i --interface' -a '(__fish_print_interfaces)'
complete -c natctl -n '__natctl_value_of --stun' -a '(__fish_print_hostnames)'
complete -c natctl -n '__natctl_value_of --on-change' -a '(__fish_complete_command)'
