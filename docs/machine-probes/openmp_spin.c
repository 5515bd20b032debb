/*
 * How long libtorch's OpenMP threads (its libgomp) spin after a product before they sleep: the CPU
 * time the process burns during 3 s of idleness after one 1024x1024 product (docs/benchmarks.md,
 * session 16). Run with the settings to compare, e.g.:
 *
 * D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 * gcc -O2 docs/machine-probes/openmp_spin.c -o /tmp/spin -ldl
 * for s in OMP_WAIT_POLICY=PASSIVE X=1 GOMP_SPINCOUNT=3000000 GOMP_SPINCOUNT=30000000 OMP_WAIT_POLICY=ACTIVE; do
 *   env -u OMP_WAIT_POLICY $s LD_LIBRARY_PATH=$D /tmp/spin $D/libtorch_cpu.so; done
 */
#include <stdio.h>
#include <stdlib.h>
#include <dlfcn.h>
#include <unistd.h>
#include <sys/resource.h>
#include <time.h>
typedef void (*fgemm_t)(const char*,const char*,const int*,const int*,const int*,const float*,const float*,const int*,const float*,const int*,const float*,float*,const int*);
static double cpu(){struct rusage r;getrusage(RUSAGE_SELF,&r);return r.ru_utime.tv_sec+r.ru_utime.tv_usec*1e-6+r.ru_stime.tv_sec+r.ru_stime.tv_usec*1e-6;}
int main(int argc,char**argv){
  void*h=dlopen(argv[1],RTLD_NOW|RTLD_GLOBAL); fgemm_t gemm=dlsym(h,"sgemm_");
  int n=1024; float*a=calloc(n*n,4),*b=calloc(n*n,4),*c=calloc(n*n,4); float one=1,zero=0;
  gemm("N","N",&n,&n,&n,&one,a,&n,b,&n,&zero,c,&n);
  double c0=cpu(); sleep(3); printf("CPU seconds burnt during 3 s idle after a product: %.3f\n",cpu()-c0);
}
