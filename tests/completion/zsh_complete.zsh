# SPDX-License-Identifier: BSD-2-Clause
# Completes command lines in a real interactive zsh, as a person pressing Tab
# would: `zsh -f zsh_complete.zsh COMPLETION_DIR WORK_DIR LINE...` prints
# "## LINE" and then each candidate zsh's completion system offers for it
# ("!! ..." and no more lines when zsh did not finish one).
# The zsh runs on a pseudo-terminal (zsh/zpty) with compinit and the
# completion folder first in fpath; compadd is wrapped to print what the
# completion functions add, and a widget marks the end of each line.
zmodload zsh/zpty || exit 1
local dir=$1 work=$2
shift 2
zpty natctl_zsh zsh -f -i || exit 1
# No listing and no "do you wish to see all" question: candidates come only
# from the compadd wrapper. KEYTIMEOUT=1: ^X starts key sequences in the
# emacs keymap, and zle would wait 0.4 s for the rest after each line.
zpty -w natctl_zsh "PS1=''; KEYTIMEOUT=1; setopt no_auto_list no_beep; fpath=(${(q)dir} \$fpath)
autoload -Uz compinit; compinit -u -d ${(q)work}/zcompdump"
# The markers are split in two where they are typed, so the terminal's echo
# of these lines never looks like one.
zpty -w natctl_zsh 'compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
	local -a hits; local h; builtin compadd -A hits "$@"; local r=$?
	for h in $hits; do print -r -- "CAN""DIDATE:$h:"; done
	return r
}
typeset -gi natctl_n=0
natctl_done() { print; print "LINE""-END:$((++natctl_n)):"; BUFFER= }
zle -N natctl_done; bindkey "^X" natctl_done; bindkey "^I" complete-word'

# One line at a time: type it, Tab, the end widget; read up to its marker
# (10 s at most each).
local line out raw part i=0
local -F start
for line; do
	(( i++ ))
	zpty -n -w natctl_zsh "$line"$'\t'$'\C-x'
	raw='' start=$SECONDS
	while (( SECONDS - start < 10 )); do
		if zpty -r -t natctl_zsh out 2>/dev/null; then
			raw+=$out
			[[ $raw == *"LINE-END:$i:"* ]] && break
		else
			sleep 0.02
		fi
	done
	# A line whose end never came is not reported as answered.
	if [[ $raw != *"LINE-END:$i:"* ]]; then
		print -r -- "!! no answer within 10 s: $line"
		break
	fi
	print -r -- "## $line"
	for part in ${(f)${raw//$'\r'/}}; do
		[[ $part =~ 'CANDIDATE:(.*):$' ]] && print -r -- $match[1]
	done | sort -u
done
zpty -d natctl_zsh
